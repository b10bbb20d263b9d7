/**
 * Issue 12.7: PostgreSQL going away while a transaction waits on something else (Temporal in a
 * capture, SMTP in a send) fails that transaction; it does not crash the process. Terminates only
 * its own backend on the run's PostgreSQL (pg_terminate_backend), never the server.
 */
import { createDb } from '../db';
import { waitUntil } from './helpers/wait';
import { testRun } from './setup/run';

it('rejects the transaction whose connection PostgreSQL ended mid-wait, and the pool serves the next one', async () => {
  const db = createDb(testRun().databaseUrl, { max: 2 });
  const admin = createDb(testRun().databaseUrl, { max: 1 });
  try {
    let ended!: () => void;
    const connectionGone = new Promise<void>((resolve) => (ended = resolve));
    const failed = db
      .withTransaction(async (tx) => {
        const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
        // The backend ends while this transaction waits on another service; the client emits 'error' now.
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await waitUntil(
          async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0,
        );
        await new Promise((resolve) => setImmediate(resolve));
        ended();
        await tx.query('SELECT 1');
      })
      .then(
        () => 'committed',
        (err: unknown) => (err as Error).message,
      );
    await connectionGone;
    expect(await failed).toMatch(/terminat|Connection|not queryable/i);
    expect(await db.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  } finally {
    await admin.close();
    await db.close();
  }
});
