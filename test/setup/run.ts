/** What the global setup started, handed to every test file through one environment variable. */
export const TEST_ENV = 'RIPEN_TEST_RUN';

/** Where the global setup notes what it started, for a clean-up after a jest that died before its teardown. */
export const LEFTOVERS_ENV = 'RIPEN_TEST_LEFTOVERS';
export interface Leftovers {
  pids: number[];
  /** The shared server's maintenance database, when the run's database lives there (an embedded server dies with its data dir). */
  adminUrl?: string;
  database: string;
  dir: string;
}

export interface TestRun {
  temporalAddress: string;
  timeSkippingAddress: string;
  databaseUrl: string;
  workflowBundlePath: string;
  temporalBin: string;
}

export function testRun(): TestRun {
  const raw = process.env[TEST_ENV];
  if (!raw) throw new Error(`${TEST_ENV} is not set: run the tests with jest (its global setup starts the servers)`);
  return JSON.parse(raw) as TestRun;
}
