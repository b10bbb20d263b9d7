/**
 * Issue 15, item 6 (N6): stage clocks as search attributes. BuyerStage and StageEnteredAt are
 * registered with the others and published by the lead; the queries managers paste into the
 * Temporal UI (MANAGER_QUERIES, docs/scoring.md) run against the dev server's visibility.
 */
import { MANAGER_QUERIES } from '../domain/visibility';
import { leadWorkflowId, SearchAttributes, searchAttributeDefinitions } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let rep: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('stage-clock');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(`clock-${tag}`, 'Rep Clock', { country: `CLK-${tag}` });
  [capture, rep] = await Promise.all([stack.authAs('capture'), stack.authAs('rep', `clock-${tag}`)]);
});
afterAll(() => stack.close());

/** The workflow ids a visibility query finds among this test's leads, once visibility has caught up with `expected`. */
async function found(query: string, expected: string[]): Promise<string[]> {
  const mine = `${query} AND AssignedRep = "clock-${tag}"`;
  let ids: string[] = [];
  await waitUntil(async () => {
    ids = [];
    for await (const wf of stack.client.workflow.list({ query: mine })) ids.push(wf.workflowId);
    ids.sort();
    return JSON.stringify(ids) === JSON.stringify([...expected].sort());
  }).catch(() => undefined);
  return ids;
}

it('registers BuyerStage (Keyword) and StageEnteredAt (Datetime) with the other search attributes', () => {
  expect(searchAttributeDefinitions()).toEqual(
    expect.arrayContaining([
      { name: 'BuyerStage', type: 'Keyword' },
      { name: 'StageEnteredAt', type: 'Datetime' },
    ]),
  );
});

it("runs the managers' queries against the dev server's visibility: in evaluation for more than 14 days, past SLA", async () => {
  const lead = async (email: string, buyerStage?: string) => {
    const res = await stack.call('POST', '/v1/leads', capture, {
      email: `${email}.${tag}@example.com`,
      firstName: 'Clock',
      country: `CLK-${tag}`,
      ...(buyerStage ? { buyerStage } : {}),
    });
    expect(res.status).toBe(201);
    return res.body.leadId as string;
  };
  const evaluating = await lead('eval', 'evaluation');
  const searching = await lead('search', 'information_search');
  const handle = stack.client.workflow.getHandle(leadWorkflowId(evaluating));
  let entered: Date | undefined;
  await waitUntil(async () => {
    const sa = (await handle.describe()).typedSearchAttributes;
    entered = sa.get(SearchAttributes.StageEnteredAt);
    return sa.get(SearchAttributes.BuyerStage) === 'evaluation' && entered !== undefined;
  });
  await waitUntil(
    async () =>
      (await stack.client.workflow.getHandle(leadWorkflowId(searching)).describe()).typedSearchAttributes.get(
        SearchAttributes.BuyerStage,
      ) === 'information_search',
  );

  // "In evaluation for more than 14 days", asked 14 days and a minute after the lead entered it: only that lead.
  const later = new Date(entered!.getTime() + 14 * 86_400_000 + 60_000);
  expect(await found(MANAGER_QUERIES.inStageFor('evaluation', 14, later), [leadWorkflowId(evaluating)])).toEqual([
    leadWorkflowId(evaluating),
  ]);
  // Asked today, nobody has been in evaluation that long.
  expect(await found(MANAGER_QUERIES.inStageFor('evaluation', 14, entered!), [])).toEqual([]);

  // "Past SLA": no contact logged yet, asked after both leads' first-contact deadlines.
  const afterSla = new Date(entered!.getTime() + 86_400_000);
  const both = [leadWorkflowId(evaluating), leadWorkflowId(searching)];
  // The evaluation lead is not in contacting (R13: it qualified on capture), so only the other one is past its SLA.
  const stages = await Promise.all(
    both.map(async (id) =>
      (await stack.client.workflow.getHandle(id).describe()).typedSearchAttributes.get(SearchAttributes.LeadStage),
    ),
  );
  const contacting = both.filter((_, i) => stages[i] === 'contacting');
  expect(contacting).toContain(leadWorkflowId(searching));
  expect(await found(MANAGER_QUERIES.pastSla(afterSla), contacting)).toEqual(contacting.sort());
  // Before any deadline, nobody is past it.
  expect(await found(MANAGER_QUERIES.pastSla(new Date(entered!.getTime() - 60_000)), [])).toEqual([]);
  // Once the rep logs a contact, the SLA is met and the lead leaves the list.
  expect((await stack.call('POST', `/v1/leads/${searching}/outcomes`, rep, { outcome: 'reached' })).status).toBe(200);
  const rest = contacting.filter((id) => id !== leadWorkflowId(searching));
  expect(await found(MANAGER_QUERIES.pastSla(afterSla), rest)).toEqual(rest);
});
