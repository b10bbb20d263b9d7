/**
 * Issue 12.7, found by `npm run faults`: with PostgreSQL stopped, the worker's payload codec could
 * not fetch a lead's data key to encode an activity's failure; the SDK treats that as fatal and the
 * worker process died. The key store now keeps using a key it had (stale-if-error) while the
 * database cannot be reached, and only then. The database is the run's; "unreachable" is a Db whose
 * queries fail as an unreachable server's do.
 */
import { createDb, type Db } from '../db';
import { captureLead } from '../db/leads';
import { createDataKeyStore } from '../privacy/data-keys';
import { masterKeyring } from './helpers/stack';
import { testRun } from './setup/run';

let real: Db;
beforeAll(() => void (real = createDb(testRun().databaseUrl)));
afterAll(() => real.close());

/** The real database until `fail` is set; then every query fails with that error. */
function switchable() {
  let failure: Error | undefined;
  const db: Db = {
    query: (text, params) => (failure ? Promise.reject(failure) : real.query(text, params)),
    withTransaction: (fn) => (failure ? Promise.reject(failure) : real.withTransaction(fn)),
    close: async () => undefined,
  };
  return { db, fail: (err: Error | undefined) => void (failure = err) };
}
const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

async function newLead(): Promise<string> {
  const email = `keys.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.fi`;
  const { lead } = await real.withTransaction((tx) => captureLead(tx, { email }, { channel: 'test' }, new Date()));
  return lead.id;
}

it('keeps using a key it had, past its cache time, while PostgreSQL cannot be reached', async () => {
  const { db, fail } = switchable();
  const keys = createDataKeyStore(db, masterKeyring(), { cacheMs: 0 }); // every use past the cache: a round trip
  const leadId = await newLead();
  const key = await keys.forLead(leadId);
  const system = await keys.system();

  fail(unreachable());
  expect(await keys.forLead(leadId)).toEqual(key);
  expect(await keys.byId(key.keyId)).toEqual(key);
  expect(await keys.system()).toEqual(system);
  // A key this process never had cannot be made up.
  await expect(keys.forLead(await newLead())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

it('does not use a stale key for any other error, nor past the stale window', async () => {
  const { db, fail } = switchable();
  const leadId = await newLead();
  const keys = createDataKeyStore(db, masterKeyring(), { cacheMs: 0 });
  await keys.forLead(leadId);
  fail(Object.assign(new Error('relation "data_keys" does not exist'), { code: '42P01' }));
  await expect(keys.forLead(leadId)).rejects.toMatchObject({ code: '42P01' });

  const noStale = createDataKeyStore(db, masterKeyring(), { cacheMs: 0, staleIfErrorMs: 0 });
  fail(undefined);
  await noStale.forLead(leadId);
  fail(unreachable());
  await expect(noStale.forLead(leadId)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
