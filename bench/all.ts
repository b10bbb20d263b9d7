/**
 * `npm run bench:all`: the seven benchmarks one after another (never at once: each would
 * measure the others), each writing bench/results/<name>.json, and sdk-memory, the SDK's own memory
 * that scale's is read against. BENCH_ONLY=a,b runs a subset.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ALL = ['cost', 'capture', 'speed-to-lead', 'burst', 'updates', 'preview', 'scale-out', 'sdk-memory', 'scale'];
const only = process.env.BENCH_ONLY?.split(',');
const failed: string[] = [];
for (const name of only ?? ALL) {
  console.error(`\n== bench:${name} (${new Date().toISOString()})`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, `${name}.ts`)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
