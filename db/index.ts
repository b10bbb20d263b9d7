import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';

/** What repositories need from the database: parameterised queries and transactions; the pool stays here. */
export interface Db {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<R[]>;
  withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A query runner bound to one transaction. */
export interface Tx {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<R[]>;
}

export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  const pool = new Pool({
    connectionString,
    max: options.max ?? 10,
    // Fail fast when PostgreSQL is unreachable, so the API can answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const run = async <R extends QueryResultRow>(client: Pool | PoolClient, text: string, params?: unknown[]) =>
    (await client.query<R>(text, params)).rows;
  return {
    query: (text, params) => run(pool, text, params),
    async withTransaction(fn) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: PostgreSQL going away while the transaction waits
      // on something else (Temporal in a capture, SMTP in a send) would crash the process. The next query fails instead.
      const onError = () => undefined;
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** True when the error means PostgreSQL could not be reached (the caller should answer 503, not 500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  // Duck-typed, not instanceof: errors may come from another realm (jest's sandbox, worker threads).
  if (typeof err !== 'object' || err === null) return false;
  const { code, errors, message } = err as { code?: unknown; errors?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  if (Array.isArray(errors)) return errors.some(isDatabaseUnavailable);
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(message);
}

const MIGRATIONS_DIR = path.resolve(__dirname, 'migrations');

/** Runs pending migrations with node-pg-migrate (a kept tool; its CLI, since the package is ESM-only). */
export async function migrate(databaseUrl: string): Promise<void> {
  const bin = require.resolve('node-pg-migrate/bin/node-pg-migrate');
  await promisify(execFile)(
    process.execPath,
    [bin, 'up', '--migrations-dir', MIGRATIONS_DIR, '--database-url-var', 'RIPEN_MIGRATE_URL'],
    {
      env: { ...process.env, RIPEN_MIGRATE_URL: databaseUrl },
    },
  );
}
