/**
 * RIPEN_TIME_SCALE, the demo setting of the stack: leads captured by an API started with it run
 * their policy (here the 20-minute speed-to-lead SLA, R6) on a compressed clock. Real dev server,
 * database and SMTP server; a stack without the setting keeps real time.
 */
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

const SCALE = 600; // 20 minutes become 2 seconds
let fast: Stack;
let normal: Stack;

beforeAll(async () => {
  [fast, normal] = await Promise.all([
    startStack('time-scale', { app: { timeScale: SCALE } }),
    startStack('real-time'),
  ]);
});
afterAll(() => Promise.all([fast?.close(), normal?.close()]));

async function captureLead(stack: Stack, email: string): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await stack.authAs('capture')) },
    body: JSON.stringify({ email, firstName: 'Kiire', country: 'ZZ' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { leadId: string }).leadId;
}

it('compresses the SLA of leads captured by a stack with a time scale, and only theirs (R6)', async () => {
  const tag = Math.random().toString(36).slice(2, 8);
  const [fastLead, normalLead] = await Promise.all([
    captureLead(fast, `fast.${tag}@example.fi`),
    captureLead(normal, `slow.${tag}@example.fi`),
  ]);
  const stateOf = (stack: Stack, leadId: string) =>
    stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);

  await waitUntil(
    async () =>
      (await stateOf(fast, fastLead)).slaDeadline !== null && (await stateOf(normal, normalLead)).slaDeadline !== null,
  );
  const [fastRow] = await fast.db.query<{ created_at: Date }>('SELECT created_at FROM leads WHERE id = $1', [fastLead]);
  const [normalRow] = await normal.db.query<{ created_at: Date }>('SELECT created_at FROM leads WHERE id = $1', [
    normalLead,
  ]);
  const fastSla = Date.parse((await stateOf(fast, fastLead)).slaDeadline!) - fastRow!.created_at.getTime();
  const normalSla = Date.parse((await stateOf(normal, normalLead)).slaDeadline!) - normalRow!.created_at.getTime();
  expect(fastSla).toBeLessThan((20 * 60_000) / SCALE + 10_000);
  expect(normalSla).toBeGreaterThan(19 * 60_000);

  // The breach fires on the compressed clock: the manager hears of it within seconds.
  const [breach] = await fast.smtp.waitFor(
    (m) => /SLA breached/.test(m.parsed.subject ?? '') && (m.parsed.text ?? '').includes('Kiire'),
    { timeoutMs: 30_000 },
  );
  expect(breach).toBeDefined();
  expect(normal.smtp.messages.some((m) => /SLA breached/.test(m.parsed.subject ?? ''))).toBe(false);
});
