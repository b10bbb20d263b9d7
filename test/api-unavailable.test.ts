/**
 * PostgreSQL unreachable: 503 with Retry-After, and nothing half-written. (A capture Temporal does
 * not answer for is stored and answered 202: test/capture-unconfirmed.test.ts.) The unreachable
 * database is a closed port on loopback; the run's shared servers are never stopped.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createDb, type Db } from '../db';
import { createApiKey } from '../db/keys';
import { freePort } from '../scripts/processes';
import { testRun } from './setup/run';
import { SECRET, uniqueTaskQueue } from './helpers/stack';

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function serve(db: Db, temporal: Client, adminKey?: string): Promise<string> {
  const app = createApp({
    db,
    temporal,
    taskQueue: uniqueTaskQueue('unavailable'),
    adminKey,
    secret: SECRET,
    temporalDeadlineMs: 2_000,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function capture(url: string, key: string, email: string) {
  return fetch(`${url}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ email, firstName: 'Olena' }),
  });
}

it('answers 503 with Retry-After when PostgreSQL is unreachable', async () => {
  const db = createDb(`postgres://postgres@127.0.0.1:${await freePort()}/ripen`);
  closers.push(() => db.close());
  const connection = await Connection.connect({ address: testRun().temporalAddress });
  closers.push(() => connection.close());
  const adminKey = 'admin-key-for-the-unavailable-database-test';
  const url = await serve(db, new Client({ connection }), adminKey);

  const res = await capture(url, adminKey, `olena.${Date.now()}@example.ua`);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
});
