/**
 * A lead's data key is made on first use in one round trip (the insert returns it), and stays one
 * key however many processes ask at once: a store that loses the insert reads the winner's row.
 * Real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { testDataKeys } from './helpers/stack';

it('gives every store the same key for a lead, whichever of them made it, and a new key for another lead', async () => {
  const stores = [testDataKeys(), testDataKeys(), testDataKeys()];
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 }), async (askers) => {
        const leadId = randomUUID();
        const keys = await Promise.all(askers.map((i) => stores[i]!.forLead(leadId)));
        expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
        for (const k of keys) expect(k.key.equals(keys[0]!.key)).toBe(true);
        // A store that did not ask reads the same key by its id.
        const other = stores.find((_, i) => !askers.includes(i));
        if (other) expect((await other.byId(keys[0]!.keyId)).key.equals(keys[0]!.key)).toBe(true);
        expect((await stores[0]!.forLead(randomUUID())).keyId).not.toBe(keys[0]!.keyId);
      }),
      { numRuns: 20 },
    );
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

it('keeps each cached key in memory of its own, not in a slab of Node’s buffer pool that the key would pin', async () => {
  const store = testDataKeys();
  try {
    // A worker caches the keys of the last quarter hour's leads: each pinning an 8 KB pool slab grew it by thousands of slabs.
    for (const key of [await store.forLead(randomUUID()), await store.system()]) {
      expect(key.key.length).toBe(32);
      expect(key.key.buffer.byteLength).toBe(32);
    }
    const { keyId } = await store.forLead(randomUUID());
    const other = testDataKeys();
    try {
      expect((await other.byId(keyId)).key.buffer.byteLength).toBe(32);
    } finally {
      await other.close();
    }
  } finally {
    await store.close();
  }
});
