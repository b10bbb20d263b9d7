/**
 * The whole suite: type-check, then jest (unit + integration against the real servers its global
 * setup starts). Ends with one plain line `N passed, M failed` read from jest's JSON summary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureTools } from './tools';

const ROOT = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

ensureTools(); // before jest, so a first install's pip output is not mixed into jest's

const typecheck = spawnSync(bin('tsc'), ['--noEmit', '-p', ROOT], { stdio: 'inherit', cwd: ROOT });
if (typecheck.status !== 0) console.error('Type-check failed (tsc --noEmit): see the errors above.');

const resultsDir = path.join(ROOT, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = path.join(resultsDir, 'jest.json');
const jest = spawnSync(bin('jest'), ['--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], { stdio: 'inherit', cwd: ROOT });

let passed = 0;
let failed = 0;
if (existsSync(resultsFile)) {
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numRuntimeErrorTestSuites: number };
  passed = summary.numPassedTests;
  // A suite that fails to load has no failed tests of its own: count it, so it cannot pass unseen.
  failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
}
if (typecheck.status !== 0) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(jest.status === 0 && typecheck.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
