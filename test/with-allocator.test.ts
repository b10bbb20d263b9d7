/**
 * scripts/with-allocator.sh, which `npm run worker` and the benchmarks start the worker through: node on
 * jemalloc where the machine has one of the libraries it names, the C library's malloc otherwise or with
 * RIPEN_ALLOCATOR=system; node's own arguments, exit code and pid (exec) pass through.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = path.join(__dirname, '..', 'scripts', 'with-allocator.sh');
const run = promisify(execFile);

/** What node started through the script reports: the malloc mapped into it, and whether it is the shell's own child. */
async function started(env: Record<string, string> = {}) {
  const probe =
    "const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');" +
    "process.stdout.write(JSON.stringify({ allocator: maps.includes('/libjemalloc') ? 'jemalloc' : 'system', preload: process.env.LD_PRELOAD ?? null }))";
  const { stdout } = await run('sh', [SCRIPT, '-e', probe], {
    env: { PATH: process.env.PATH, NODE: process.execPath, ...env },
  });
  return JSON.parse(stdout) as { allocator: string; preload: string | null };
}

const libraries = readFileSync(SCRIPT, 'utf8').match(/\/usr\/\S*libjemalloc\.so\.2/g) ?? [];
const found = libraries.find((lib) => existsSync(lib));

it('starts node on jemalloc where the machine has it, else on the C library’s malloc', async () => {
  expect(libraries.length).toBeGreaterThan(0);
  expect(await started()).toEqual(
    found ? { allocator: 'jemalloc', preload: found } : { allocator: 'system', preload: null },
  );
});

it('keeps the C library’s malloc with RIPEN_ALLOCATOR=system, and does not preload a library twice', async () => {
  expect(await started({ RIPEN_ALLOCATOR: 'system' })).toEqual({ allocator: 'system', preload: null });
  if (found) expect(await started({ LD_PRELOAD: found })).toEqual({ allocator: 'jemalloc', preload: found });
});

it('is node itself: its exit code passes through', async () => {
  await expect(
    run('sh', [SCRIPT, '-e', 'process.exit(3)'], { env: { ...process.env, NODE: process.execPath } }),
  ).rejects.toMatchObject({
    code: 3,
  });
});
