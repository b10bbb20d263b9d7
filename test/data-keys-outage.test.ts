/**
 * The data key store's cache. Issue 12.7, found by `npm run faults`: with PostgreSQL stopped, the worker's payload codec could
 * not fetch a lead's data key to encode an activity's failure; the SDK treats that as fatal and the
 * worker process died. The key store now keeps using a key it had (stale-if-error) while the
 * database cannot be reached, and only then. The database is the run's; "unreachable" is a Db whose
 * queries fail as an unreachable server's do. Issue 17: a worker meets every lead in turn, so the cache drops
 * the keys past that window instead of holding one per lead for the life of the process.
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

it('holds only the keys still within their stale window, however many leads pass through', async () => {
  let clock = Date.now();
  const keys = createDataKeyStore(real, masterKeyring(), {
    cacheMs: 1_000,
    staleIfErrorMs: 10_000,
    clock: () => clock,
  });
  const first = await newLead();
  const firstKey = await keys.forLead(first);
  for (let i = 0; i < 3; i++) await keys.forLead(await newLead());
  expect(keys.cached()).toEqual({ keys: 4, leads: 4 });

  clock += 11_001; // every key so far is past its cache time and its stale window
  const later = await newLead();
  await keys.forLead(later);
  expect(keys.cached()).toEqual({ keys: 1, leads: 1 });
  // A dropped key is read again when needed: the same key, not a new one.
  expect(await keys.forLead(first)).toEqual(firstKey);
  expect(keys.cached()).toEqual({ keys: 2, leads: 2 });

  // A key in use moves to the back: it outlives the ones remembered before it.
  clock += 5_000;
  await keys.byId(firstKey.keyId); // past its cache time: read again (by id, as a decoder does), remembered anew
  clock += 6_001; // `later` is past its window now, `first` is not
  await keys.forLead(await newLead());
  expect(keys.cached()).toEqual({ keys: 2, leads: 2 });
  expect(await keys.forLead(first)).toEqual(firstKey);

  // A key last read by id still takes its lead along when it goes.
  clock += 1_001;
  await keys.byId(firstKey.keyId);
  clock += 11_001;
  await keys.forLead(await newLead());
  expect(keys.cached()).toEqual({ keys: 1, leads: 1 });
});
