/**
 * Temporal that does not confirm: an API on a test stack's database and task queue that reaches
 * Temporal through a client of the test's own — one on a closed port (unreachable), or one whose
 * signal-with-start and signals reach the real server and then fail as a passed deadline does (late).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { ripenDataConverter } from '../../privacy/data-converter';
import { freePort } from '../../scripts/processes';
import { SECRET, type Stack } from './stack';

/** A POST to that API; `url` is where it listens, for other requests. */
export type Post = ((
  path: string,
  auth: Record<string, string>,
  body: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: any }>) & { url: string };

/** What the test closes in its afterAll, in reverse. */
export type Closers = (() => Promise<unknown>)[];

/** The API on the stack's database and task queue, reaching Temporal through this client only. */
export async function apiThrough(stack: Stack, temporal: Client, closers: Closers): Promise<Post> {
  const app = createApp({
    db: stack.db,
    temporal,
    taskQueue: stack.taskQueue,
    secret: SECRET,
    temporalDeadlineMs: 1_000,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, auth: Record<string, string>, body: unknown, headers = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return Object.assign(post, { url });
}

/** Temporal on a port nothing listens on. */
export async function unreachable(stack: Stack, closers: Closers): Promise<Post> {
  // No retry interceptor: a retry pending when the connection closes would fail a later test.
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, interceptors: [] });
  closers.push(() => connection.close());
  return apiThrough(stack, new Client({ connection }), closers);
}

/** The real server, but every signal-with-start and signal is answered as if its deadline had passed after it arrived. */
export function late(stack: Stack, closers: Closers): Promise<Post> {
  const deadlinePassed = () => Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 });
  return apiThrough(
    stack,
    new Client({
      connection: stack.client.connection,
      dataConverter: ripenDataConverter(stack.keys),
      interceptors: {
        workflow: [
          {
            async signalWithStart(input, next) {
              await next(input);
              throw deadlinePassed();
            },
            async signal(input, next) {
              await next(input);
              throw deadlinePassed();
            },
          },
        ],
      },
    }),
    closers,
  );
}
