/**
 * Starts the real parts once per test run (DEVELOPERS: one dev server and one time-skipping
 * server per run): a Temporal dev server, a time-skipping test server, a fresh database on the
 * local PostgreSQL (dropped at the end), and the workflow bundle, built once for all tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { migrate } from '../../db';
import { FAILURE_CONVERTER_PATH } from '../../privacy/data-converter';
import { ensureDatabase, findPostgres } from '../../scripts/postgres';
import { freePort, startDevServer, startTimeSkippingServer } from '../../scripts/processes';
import { ensureTools } from '../../scripts/tools';
import { LEFTOVERS_ENV, TEST_ENV, type Leftovers, type TestRun } from './run';

export default async function globalSetup(): Promise<void> {
  const tools = ensureTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'ripen-test-'));
  const [devPort, timeSkipPort, pgPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const [devServer, timeSkipServer, postgres, bundle] = await Promise.all([
    startDevServer({ bin: tools.temporal, port: devPort }),
    startTimeSkippingServer(tools.testServer, timeSkipPort),
    findPostgres({ databaseUrl: process.env.DATABASE_URL, embeddedDir: path.join(dir, 'pg'), embeddedPort: pgPort }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: quietLogger,
    }),
  ]);
  const database = `ripen_test_${Date.now()}_${process.pid}`;
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  await migrate(databaseUrl);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  const run: TestRun = {
    temporalAddress: devServer.address,
    timeSkippingAddress: timeSkipServer.address,
    databaseUrl,
    workflowBundlePath: bundlePath,
    temporalBin: tools.temporal,
  };
  process.env[TEST_ENV] = JSON.stringify(run);
  // If jest dies before its teardown, scripts/run-tests.ts cleans up from this note (RUN_LEFTOVERS_FILE).
  const leftovers = process.env[LEFTOVERS_ENV];
  if (leftovers) {
    const note: Leftovers = {
      pids: [devServer.child.pid, timeSkipServer.child.pid].filter((p): p is number => p !== undefined),
      adminUrl: postgres.kind === 'embedded' ? undefined : postgres.adminUrl,
      database,
      dir,
    };
    writeFileSync(leftovers, JSON.stringify(note));
  }
  (globalThis as Record<string, unknown>).__ripenTeardown = async () => {
    await Promise.all([devServer.stop(), timeSkipServer.stop()]);
    const { dropDatabase } = await import('../../scripts/postgres');
    await dropDatabase(postgres.adminUrl, database);
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
    if (leftovers) rmSync(leftovers, { force: true });
  };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
