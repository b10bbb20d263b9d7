/**
 * Issue 13: personal data that can really be erased. Every payload of a lead workflow is encrypted
 * under the lead's data key, through the real API, dev server, database and SMTP server.
 */
import type { Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { LeadPayloadCodec, isEncrypted, keyIdOf } from '../privacy/codec';
import { leadWorkflowId, leadStateQuery } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('privacy');
  tag = stack.taskQueue.slice(-6);
  capture = await stack.authAs('capture');
});
afterAll(() => stack.close());

/** Every payload in the history with where it sits (e.g. `events.3.workflowExecutionStartedEventAttributes.input.payloads.0`). */
export function payloadsOf(history: History): Array<{ path: string; payload: Payload }> {
  const found: Array<{ path: string; payload: Payload }> = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
    const v = value as Payload;
    if ('data' in v && v.metadata && typeof v.metadata === 'object' && 'encoding' in v.metadata) return void found.push({ path, payload: v });
    for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
  };
  walk(history, '');
  return found;
}

describe('the payload codec (issue 13.1)', () => {
  it('encrypts every payload of a lead workflow under that lead’s data key, and the history reads back through the codec', async () => {
    const email = `codec.${tag}@example.fi`;
    const res = await stack.call('POST', '/v1/leads', capture, { email, firstName: 'Kaisa', company: `Salaus ${tag} Oy`, message: 'Call me' });
    expect(res.status).toBe(201);
    const leadId: string = res.body.leadId;
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));
    const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
    // The stack's client decodes: the query answers in the clear.
    await waitUntil(async () => (await handle.query(leadStateQuery)).stage !== 'new');
    await waitUntil(async () => (await handle.fetchHistory()).events!.some((e) => e.activityTaskCompletedEventAttributes));

    const [key] = await stack.db.query<{ key_id: string }>('SELECT key_id FROM data_keys WHERE lead_id = $1', [leadId]);
    expect(key?.key_id).toMatch(/^dk-/);
    const raw = await handle.fetchHistory(); // as stored: fetchHistory does not decode
    // Search attributes and patch markers (the patch's name, written by the SDK's core) stay plain and hold no personal data.
    const payloads = payloadsOf(raw).filter(({ path }) => !/searchAttributes|patch-data/.test(path));
    expect(payloads.length).toBeGreaterThan(5);
    for (const { path, payload } of payloads) {
      expect({ path, encrypted: isEncrypted(payload), keyId: keyIdOf(payload) }).toEqual({ path, encrypted: true, keyId: key!.key_id });
    }
    // The company name appears in the summary and in activity inputs, in the clear only after decoding.
    const stored = JSON.stringify(raw);
    expect(stored).not.toContain(`Salaus ${tag}`);
    const codec = new LeadPayloadCodec(stack.keys);
    const decoded = await codec.decode(payloads.map((p) => p.payload));
    expect(decoded.every((p) => !isEncrypted(p))).toBe(true);
    expect(decoded.map((p) => Buffer.from(p.data ?? []).toString()).join('\n')).toContain(leadId);
  });
});
