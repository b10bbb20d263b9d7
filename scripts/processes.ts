/** Child processes the local run and the tests start: the Temporal dev server and the time-skipping test server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SearchAttributes, searchAttributeServerArgs } from '../workflows/contracts';

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

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before listening on port ${port}`);
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

export interface DevServerOptions {
  bin: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for persistence; omit for an in-memory server. */
  dbFile?: string;
  /** Where the server's output goes (default: ignored). */
  stdio?: 'inherit' | 'ignore';
}

/** `temporal server start-dev` with the project's search attributes registered. */
export async function startDevServer(options: DevServerOptions): Promise<RunningProcess> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'error', ...searchAttributeServerArgs()];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal');
  const child = spawn(options.bin, args, { stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'] });
  await waitForPort(options.port, child, 'temporal server start-dev');
  return { address: `127.0.0.1:${options.port}`, child, stop: stopper(child) };
}

/** The time-skipping test server (Java SDK's, shipped as a native binary), with the custom search attributes added. */
export async function startTimeSkippingServer(bin: string, port: number): Promise<RunningProcess> {
  const child = spawn(bin, [String(port)], { stdio: 'ignore' });
  await waitForPort(port, child, 'temporal-test-server');
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  try {
    const searchAttributes = Object.fromEntries(
      Object.values(SearchAttributes).map((key) => [key.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]]),
    );
    await connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  } finally {
    await connection.close();
  }
  return { address, child, stop: stopper(child) };
}
