/** Child processes the local run and the tests start: the Temporal dev server, the time-skipping test server and maildev. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SearchAttributes, searchAttributeDefinitions, searchAttributeServerArgs } from '../workflows/contracts';

export interface RunningProcess {
  address: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

export async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before listening on port ${port}`);
    if (await portAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** How a long-running child is spawned: where its output goes, and whether it gets a process group of its own. */
export interface SpawnOptions {
  /** Where the output goes (default: ignored). */
  stdio?: 'inherit' | 'ignore';
  /** Append the output to this file instead. */
  logFile?: string;
  /**
   * A process group of its own, so a terminal's Ctrl-C reaches only the parent, which then stops
   * the child in order (after the worker has drained) instead of all of them dying at once.
   */
  detached?: boolean;
}

function spawnChild(bin: string, args: string[], options: SpawnOptions): ChildProcess {
  const out = options.logFile ? openSync(options.logFile, 'a') : (options.stdio ?? 'ignore');
  return spawn(bin, args, { stdio: ['ignore', out, out], detached: options.detached ?? false });
}

export interface DevServerOptions extends SpawnOptions {
  bin: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** The codec server the Web UI decodes payloads with (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** SQLite file for persistence; omit for an in-memory server. */
  dbFile?: string;
}

/** `temporal server start-dev` with the project's search attributes registered. */
/**
 * The Temporal server's dynamic config Ripen runs with (the dev server here, docker-compose.yml's server):
 * activities a workflow task schedules on the worker's own queue go back to the worker with the answer to
 * that task, not through another poll: 116 ms of the dev server's CPU a new lead against 132 ms without
 * (`npm run bench:cost`, 2026-11-28).
 */
export const SERVER_DYNAMIC_CONFIG: Record<string, boolean | number | string> = {
  'system.enableActivityEagerExecution': true,
};

export async function startDevServer(options: DevServerOptions): Promise<RunningProcess> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'error',
    ...Object.entries(SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
    ...searchAttributeServerArgs(),
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal');
  const child = spawnChild(options.bin, args, options);
  await waitForPort(options.port, child, 'temporal server start-dev');
  return { address: `127.0.0.1:${options.port}`, child, stop: stopper(child) };
}

/**
 * Registers the project's search attributes on a running server; a no-op for those already there.
 * Needed with a persisted dev server: start-dev's `--search-attribute` only takes effect when the
 * SQLite file is new (seen with CLI 1.9.1), and registering after start also closes the race of
 * temporalio/temporal#6475 (the port answers before the attributes exist).
 */
export async function registerSearchAttributes(bin: string, address: string, namespace = 'default'): Promise<void> {
  const pairs = searchAttributeDefinitions().flatMap(({ name, type }) => ['--name', name, '--type', type]);
  // The CLI, not addSearchAttributes: it skips attributes that exist with the same type (exit 0).
  await promisify(execFile)(bin, [
    'operator',
    'search-attribute',
    'create',
    '--address',
    address,
    '--namespace',
    namespace,
    ...pairs,
  ]);
}

export interface MaildevOptions extends SpawnOptions {
  smtpPort: number;
  webPort: number;
  /** Mail is kept here as .eml files; maildev 2.2.1 reloads them at start (index.js: loadMailsFromDirectory). */
  mailDirectory: string;
}

/**
 * maildev as a child process: in process it would install SIGINT/SIGTERM handlers that call
 * process.exit(0) (maildev 2.2.1 index.js), cutting the worker's drain short.
 */
export async function startMaildev(options: MaildevOptions): Promise<RunningProcess> {
  const bin = require.resolve('maildev/bin/maildev');
  const args = [
    bin,
    '--ip',
    '127.0.0.1',
    '--smtp',
    String(options.smtpPort),
    '--web',
    String(options.webPort),
    '--mail-directory',
    options.mailDirectory,
  ];
  const child = spawnChild(process.execPath, args, options);
  await waitForPort(options.smtpPort, child, 'maildev');
  await waitForPort(options.webPort, child, 'maildev web');
  return { address: `127.0.0.1:${options.smtpPort}`, child, stop: stopper(child) };
}

/** The time-skipping test server (Java SDK's, shipped as a native binary), with the custom search attributes added. */
export async function startTimeSkippingServer(bin: string, port: number): Promise<RunningProcess> {
  const child = spawn(bin, [String(port)], { stdio: 'ignore' });
  await waitForPort(port, child, 'temporal-test-server');
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  try {
    const searchAttributes = Object.fromEntries(
      Object.values(SearchAttributes).map((key) => [
        key.name,
        temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`],
      ]),
    );
    await connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  } finally {
    await connection.close();
  }
  return { address, child, stop: stopper(child) };
}
