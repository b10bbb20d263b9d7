/** What the global setup started, handed to every test file through one environment variable. */
export const TEST_ENV = 'RIPEN_TEST_RUN';

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
