/**
 * The whole suite: type-check, lint the workflow code for determinism, then jest (unit + integration against the real servers its global
 * setup starts). Ends with one plain line `N passed, M failed` read from jest's JSON summary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ensureChromium } from './chromium';
import { ensureSchemathesis, ensureTools } from './tools';
import { LEFTOVERS_ENV, type Leftovers } from '../test/setup/run';
import { dropDatabase } from './postgres';

/** jest died before its global teardown: stop the servers it started and drop its database. */
async function cleanUpAfterCrash(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const note = JSON.parse(readFileSync(file, 'utf8')) as Leftovers;
  console.error('[tests] jest ended without its teardown: stopping the servers it started and dropping its database');
  for (const pid of note.pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (note.adminUrl)
    await dropDatabase(note.adminUrl, note.database).catch((err: unknown) =>
      console.error(`[tests] could not drop ${note.database}: ${String(err)}`),
    );
  rmSync(note.dir, { recursive: true, force: true });
  rmSync(file, { force: true });
}

const ROOT = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

ensureTools(); // before jest, so a first install's pip output is not mixed into jest's
ensureSchemathesis(); // for test/openapi-contract.test.ts
ensureChromium(); // for test/web-board.test.ts

/** Static checks; each that fails counts as one failed check in the closing line. */
const checks = [
  {
    name: 'type-check (tsc --noEmit)',
    run: () => spawnSync(bin('tsc'), ['--noEmit', '-p', ROOT], { stdio: 'inherit', cwd: ROOT }),
  },
  {
    name: 'determinism lint of the code bundled into workflows (eslint workflows cadences domain)',
    run: () => spawnSync(bin('eslint'), ['workflows', 'cadences', 'domain'], { stdio: 'inherit', cwd: ROOT }),
  },
  {
    name: 'formatting (prettier --check .; `npm run format` rewrites the files listed above)',
    run: () => spawnSync(bin('prettier'), ['--check', '--log-level=warn', '.'], { stdio: 'inherit', cwd: ROOT }),
  },
];
const failedChecks = checks.filter((check) => {
  const failed = check.run().status !== 0;
  if (failed) console.error(`${check.name} failed: see the errors above.`);
  return failed;
}).length;

const resultsDir = path.join(ROOT, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = path.join(resultsDir, 'jest.json');
rmSync(resultsFile, { force: true }); // never read a previous run's figures
const leftoversFile = path.join(resultsDir, `leftovers-${process.pid}.json`);
const jest = spawnSync(bin('jest'), ['--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: ROOT,
  env: { ...process.env, [LEFTOVERS_ENV]: leftoversFile },
});
void cleanUpAfterCrash(leftoversFile).then(() => {
  let passed = 0;
  let failed = 0;
  if (existsSync(resultsFile)) {
    const summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numRuntimeErrorTestSuites: number;
    };
    passed = summary.numPassedTests;
    // A suite that fails to load has no failed tests of its own: count it, so it cannot pass unseen.
    failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
  }
  failed += failedChecks;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(jest.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
