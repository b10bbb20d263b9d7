/**
 * What managers see in the Temporal UI agrees with what the board shows from PostgreSQL (R19, R22):
 * the workflow's search attributes (AttemptCount, LeadStage, LeadGrade, LeadScore, AssignedRep,
 * Stalled) against the lead's board card, and the dev server's visibility finds the lead by them.
 */
import { randomUUID } from 'node:crypto';
import { leadWorkflowId, SearchAttributes } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let rep: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('temporal-agreement');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(`kyiv-${tag}`, 'Rep Kyiv', { country: `UA-${tag}`, city: 'Kyiv' });
  [capture, rep] = await Promise.all([stack.authAs('capture'), stack.authAs('rep', `kyiv-${tag}`)]);
});
afterAll(() => stack.close());

const call: Stack['call'] = (...args) => stack.call(...args);

/** What Temporal shows of the lead, next to its board card, once both have caught up with `attempts` and agree (each side is written a moment after the decision). */
async function bothSides(leadId: string, attempts: number) {
  const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
  let last: unknown;
  for (let i = 0; i < 200; i++) {
    const sa = (await handle.describe()).typedSearchAttributes;
    const temporal = {
      stage: sa.get(SearchAttributes.LeadStage),
      attempts: sa.get(SearchAttributes.AttemptCount),
      grade: sa.get(SearchAttributes.LeadGrade) ?? null,
      score: sa.get(SearchAttributes.LeadScore) ?? null,
      assignedRep: sa.get(SearchAttributes.AssignedRep) ?? null,
      stalled: sa.get(SearchAttributes.Stalled),
      source: sa.get(SearchAttributes.LeadSource),
    };
    const card = (await call('GET', '/v1/leads', rep)).body.leads.find((c: { id: string }) => c.id === leadId);
    last = { temporal, card };
    const agree =
      card && (['stage', 'grade', 'score', 'assignedRep', 'stalled'] as const).every((k) => temporal[k] === card[k]);
    if (agree && temporal.attempts === attempts && card.attempts === attempts) return { temporal, card };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Temporal and PostgreSQL never agreed on a lead with ${attempts} attempts: ${JSON.stringify(last)}`);
}

it("shows the same attempts, stage, grade, score, rep and stalled flag in the workflow's search attributes as on the board", async () => {
  const created = await call('POST', '/v1/leads', capture, {
    email: `olena.${randomUUID()}@example.ua`,
    phone: '+380 44 123 4567',
    firstName: 'Olena',
    country: `UA-${tag}`,
    city: 'Kyiv',
    source: { channel: 'ebook' },
  });
  expect(created.status).toBe(201);
  const leadId: string = created.body.leadId;

  // Routed and scored: the welcome and the first score report back after the stage is decided.
  for (
    let i = 0;
    i < 200 &&
    (
      await stack.db.query(
        "SELECT 1 FROM leads WHERE id = $1 AND stage = 'contacting' AND assigned_rep_id IS NOT NULL",
        [leadId],
      )
    ).length === 0;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 200 && (await call('GET', `/v1/leads/${leadId}`, rep)).body.state?.score == null; i++)
    await new Promise((r) => setTimeout(r, 50));
  const before = await bothSides(leadId, 0);
  expect(before.temporal).toEqual({
    stage: before.card.stage,
    attempts: 0,
    grade: before.card.grade,
    score: before.card.score,
    assignedRep: `kyiv-${tag}`,
    stalled: false,
    source: 'ebook',
  });

  for (const outcome of ['no_answer', 'voicemail'])
    expect((await call('POST', `/v1/leads/${leadId}/outcomes`, rep, { outcome })).status).toBe(200);
  const after = await bothSides(leadId, 2);
  expect(after.temporal).toEqual({
    stage: after.card.stage,
    attempts: after.card.attempts,
    grade: after.card.grade,
    score: after.card.score,
    assignedRep: after.card.assignedRep,
    stalled: after.card.stalled,
    source: after.card.source,
  });
  expect(after.card).toMatchObject({ stage: 'contacting', attempts: 2, assignedRep: `kyiv-${tag}`, source: 'ebook' });

  // The dev server's visibility (what the Temporal UI filters with) finds the lead by the same figures.
  const query = `AssignedRep = "kyiv-${tag}" AND AttemptCount = 2 AND LeadStage = "contacting"`;
  let found: string[] = [];
  for (let i = 0; i < 200 && found.length === 0; i++) {
    found = [];
    for await (const wf of stack.client.workflow.list({ query })) found.push(wf.workflowId);
    if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(found).toEqual([leadWorkflowId(leadId)]);
});
