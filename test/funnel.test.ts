/**
 * R19, R20: the funnel figures, the scoring check and the stalled leads, computed in SQL from the
 * audit rows. Figures are checked exactly on audit rows of known times, and end to end on leads
 * that went through the real workflow.
 */
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let manager: Record<string, string>;
let repA: Record<string, string>;

const T0 = Date.parse('2001-03-01T08:00:00Z');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const WINDOW = `from=${at(-DAY)}&to=${at(DAY)}`;

interface Seed {
  rep: string;
  source: string;
  stage: string;
  /** Stage moves as [to, offset from the first touch], in order. */
  moves: [string, number][];
  contactAfter?: number;
  /** R6: the manager's notice: breached at the deadline, or missed before any rep was told. */
  slaBreach?: 'sla_breach' | 'sla_missed_unseen';
  scores: [number, 'cold' | 'warm' | 'hot', number][];
}

async function seed(name: string, s: Seed): Promise<string> {
  const [lead] = await stack.db.query<{ id: string }>(
    `INSERT INTO leads (email, email_normalized, first_name, stage, assigned_rep_id, first_touch_at, first_source, last_touch_at)
     VALUES ($1, $1, $2, $3, $4, $5, $6, $5) RETURNING id`,
    [`${name}.${randomUUID()}@example.fi`, name, s.stage, s.rep, at(0), { channel: s.source }],
  );
  const id = lead!.id;
  let from: string | null = 'new';
  for (const [to, offset] of s.moves) {
    await stack.db.query(
      'INSERT INTO stage_changes (change_key, lead_id, from_stage, to_stage, reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [randomUUID(), id, from, to, 'seeded', 'workflow', at(offset)],
    );
    from = to;
  }
  if (s.contactAfter !== undefined) {
    await stack.db.query(
      "INSERT INTO touches (lead_id, at, kind, channel, details) VALUES ($1, $2, 'outcome', 'phone', '{}')",
      [id, at(s.contactAfter)],
    );
  }
  if (s.slaBreach) {
    await stack.db.query(
      "INSERT INTO sent_emails (send_key, lead_id, message_id, template, to_address, subject, status, category) VALUES ($1, $2, $3, $4, 'm@ripen.test', 'SLA', 'sent', 'internal')",
      [randomUUID(), id, `<${randomUUID()}@ripen.test>`, `manager-${s.slaBreach}`],
    );
  }
  for (const [score, grade, offset] of s.scores) {
    await stack.db.query(
      "INSERT INTO score_changes (score_key, lead_id, at, model, score, grade, mql, breakdown, reason) VALUES ($1, $2, $3, 'fit-engagement-v1', $4, $5, $6, '[]', 'seeded')",
      [randomUUID(), id, at(offset), score, grade, score >= 50],
    );
  }
  return id;
}

beforeAll(async () => {
  stack = await startStack('funnel');
  tag = stack.taskQueue.slice(-6);
  for (const id of ['fa', 'fb', 'live']) {
    await stack.db.query('INSERT INTO reps (id, name, email) VALUES ($1, $2, $3)', [
      `${id}-${tag}`,
      `Rep ${id}`,
      `${id}-${tag}@reps.ripen.test`,
    ]);
  }
  await stack.db.query('INSERT INTO territories (rep_id, country, city) VALUES ($1, $2, $3)', [
    `live-${tag}`,
    `FI-${tag}`,
    'Oulu',
  ]);
  [capture, manager, repA] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('manager'),
    stack.authAs('rep', `fa-${tag}`),
  ]);
  const [a, b] = [`fa-${tag}`, `fb-${tag}`];
  const [web, fair] = [`web-${tag}`, `fair-${tag}`];
  // A: contacted after 10 min, all the way to won in 10 days; scored hot before, cold after (ignored).
  await seed('a', {
    rep: a,
    source: web,
    stage: 'converted',
    moves: [
      ['contacting', 0],
      ['nurturing', 20 * MIN],
      ['qualified', DAY],
      ['handed_off', 2 * DAY],
      ['converted', 10 * DAY],
    ],
    contactAfter: 10 * MIN,
    scores: [
      [60, 'hot', DAY],
      [5, 'cold', 11 * DAY],
    ],
  });
  // B: contacted after 30 min, SLA breached, qualified then rejected back to nurture.
  await seed('b', {
    rep: a,
    source: fair,
    stage: 'nurturing',
    moves: [
      ['contacting', 0],
      ['nurturing', 30 * MIN],
      ['qualified', DAY],
      ['nurturing', 2 * DAY],
    ],
    contactAfter: 30 * MIN,
    slaBreach: 'sla_breach',
    scores: [[30, 'warm', DAY]],
  });
  // C: never contacted, its SLA ran out before its workers took it up (R6), not interested.
  await seed('c', {
    rep: b,
    source: web,
    stage: 'not_interested',
    moves: [
      ['contacting', 0],
      ['not_interested', 15 * DAY],
    ],
    slaBreach: 'sla_missed_unseen',
    scores: [[10, 'cold', 0]],
  });
  // D: contacted after 5 min, qualified, handed off, opportunity lost: back to nurture.
  await seed('d', {
    rep: b,
    source: fair,
    stage: 'nurturing',
    moves: [
      ['contacting', 0],
      ['qualified', DAY],
      ['handed_off', 2 * DAY],
      ['nurturing', 20 * DAY],
    ],
    contactAfter: 5 * MIN,
    scores: [[55, 'hot', DAY]],
  });
});
afterAll(() => stack.close());

async function get(path: string, auth: Record<string, string>) {
  const res = await fetch(`${stack.apiUrl}${path}`, { headers: auth });
  return { status: res.status, body: (await res.json()) as any };
}

it('computes the funnel from the audit rows: stages, conversions, speed to lead, SLA breaches, cycle, recycling (R19)', async () => {
  const res = await get(`/v1/funnel?${WINDOW}`, manager);
  expect(res.status).toBe(200);
  expect(res.body.total).toEqual({
    leads: 4,
    current: {
      new: 0,
      contacting: 0,
      nurturing: 2,
      qualified: 0,
      handed_off: 0,
      converted: 1,
      not_interested: 1,
      disqualified: 0,
    },
    reached: {
      new: 0,
      contacting: 4,
      nurturing: 3,
      qualified: 3,
      handed_off: 2,
      converted: 1,
      not_interested: 1,
      disqualified: 0,
    },
    mqlToSql: 0.6667,
    sqlToWon: 0.5,
    // 300 s, 600 s, 1800 s: the median is 600; p90 interpolates 80% of the way from 600 to 1800.
    speedToLead: { contacted: 3, medianSeconds: 600, p90Seconds: 1560 },
    slaBreachRate: 0.5,
    medianCycleDays: 10,
    recycleRate: 0.6667,
  });
  const byRep = Object.fromEntries(res.body.byRep.map((r: any) => [r.rep, r]));
  expect(Object.keys(byRep).sort()).toEqual([`fa-${tag}`, `fb-${tag}`]);
  expect(byRep[`fa-${tag}`]).toMatchObject({
    leads: 2,
    mqlToSql: 0.5,
    sqlToWon: 1,
    speedToLead: { contacted: 2, medianSeconds: 1200 },
    slaBreachRate: 0.5,
    medianCycleDays: 10,
    recycleRate: 0.5,
  });
  expect(byRep[`fb-${tag}`]).toMatchObject({
    leads: 2,
    mqlToSql: 1,
    sqlToWon: 0,
    speedToLead: { contacted: 1, medianSeconds: 300 },
    slaBreachRate: 0.5,
    medianCycleDays: null,
    recycleRate: 1,
  });
  const bySource = Object.fromEntries(res.body.bySource.map((r: any) => [r.source, r]));
  expect(bySource[`web-${tag}`]).toMatchObject({
    leads: 2,
    reached: expect.objectContaining({ converted: 1, not_interested: 1 }),
  });
  expect(bySource[`fair-${tag}`]).toMatchObject({ leads: 2, mqlToSql: 0.5, recycleRate: 1 });

  const oneRep = await get(`/v1/funnel?${WINDOW}&rep=fb-${tag}`, manager);
  const { rep: _rep, ...fbFigures } = byRep[`fb-${tag}`];
  expect(oneRep.body.total).toEqual(fbFigures);
  expect(oneRep.body.byRep.map((r: any) => r.rep)).toEqual([`fb-${tag}`]);
  const oneSource = await get(`/v1/funnel?${WINDOW}&source=web-${tag}`, manager);
  expect(oneSource.body.total).toMatchObject({ leads: 2, sqlToWon: 1, slaBreachRate: 0.5 });

  const empty = await get(`/v1/funnel?from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z`, manager);
  expect(empty.body.total).toMatchObject({
    leads: 0,
    mqlToSql: null,
    speedToLead: { contacted: 0, medianSeconds: null, p90Seconds: null },
  });
  expect(empty.body.byRep).toEqual([]);
});

it('answers "is the scoring reliable?": conversion by the grade and score band before the outcome was known (R19)', async () => {
  const res = await get(`/v1/funnel/scoring?${WINDOW}`, manager);
  expect(res.status).toBe(200);
  expect(res.body.byGrade).toEqual([
    { grade: 'cold', leads: 1, mql: 0, sql: 0, won: 0, conversionRate: 0, sqlRate: 0 },
    { grade: 'warm', leads: 1, mql: 1, sql: 0, won: 0, conversionRate: 0, sqlRate: 0 },
    { grade: 'hot', leads: 2, mql: 2, sql: 2, won: 1, conversionRate: 0.5, sqlRate: 1 },
  ]);
  expect(res.body.byScoreBand.map((b: any) => [b.band, b.leads, b.won])).toEqual([
    ['0–19', 1, 0],
    ['20–39', 1, 0],
    ['40–59', 1, 0],
    ['60–79', 1, 1],
  ]);
});

it('lists the stalled leads with how long, a rep only their own (R20)', async () => {
  const [mine, theirs] = await Promise.all([
    seed('quiet-a', { rep: `fa-${tag}`, source: 'x', stage: 'qualified', moves: [], scores: [] }),
    seed('quiet-b', { rep: `fb-${tag}`, source: 'x', stage: 'nurturing', moves: [], scores: [] }),
  ]);
  await stack.db.query("UPDATE leads SET stalled_since = now() - interval '3 days' WHERE id = $1", [mine]);
  await stack.db.query("UPDATE leads SET stalled_since = now() - interval '1 day' WHERE id = $1", [theirs]);
  const asRep = await get('/v1/stalled', repA);
  expect(asRep.status).toBe(200);
  expect(asRep.body.leads.map((l: any) => l.id)).toEqual([mine]);
  expect(asRep.body.leads[0]).toMatchObject({ name: 'quiet-a', stage: 'qualified', assignedRep: `fa-${tag}` });
  expect(asRep.body.leads[0].stalledForSeconds).toBeGreaterThanOrEqual(3 * 86_400);
  expect(asRep.body.leads[0].stalledForSeconds).toBeLessThan(3 * 86_400 + 600);
  const all = await get('/v1/stalled', manager);
  const ids = all.body.leads.map((l: any) => l.id);
  expect(ids.indexOf(mine)).toBeLessThan(ids.indexOf(theirs)); // longest silent first
  expect(await get(`/v1/stalled?rep=fb-${tag}`, repA)).toMatchObject({
    status: 403,
    body: { error: { code: 'forbidden', message: expect.stringContaining('own leads') } },
  });
});

it('refuses reps the funnel (403) and names the bad field (400)', async () => {
  const managersOnly = {
    status: 403,
    body: { error: { code: 'forbidden', message: expect.stringContaining('roles') } },
  };
  expect(await get(`/v1/funnel?${WINDOW}`, repA)).toMatchObject(managersOnly);
  expect(await get(`/v1/funnel/scoring?${WINDOW}`, repA)).toMatchObject(managersOnly);
  const backwards = await get(`/v1/funnel?from=${at(DAY)}&to=${at(-DAY)}`, manager);
  expect(backwards.status).toBe(400);
  expect(backwards.body.error.fields).toEqual([{ field: 'from', message: 'must be before to' }]);
  const notADate = await get('/v1/funnel?from=yesterday', manager);
  expect(notADate.status).toBe(400);
  expect(notADate.body.error.fields.map((f: any) => f.field)).toEqual(['from']);
  const limit = await get('/v1/stalled?limit=0', manager);
  expect(limit.status).toBe(400);
  expect(limit.body.error.fields.map((f: any) => f.field)).toEqual(['limit']);
});

it('counts leads that went through the real workflow: speed to lead from the first reported contact (R6)', async () => {
  const source = `live-${tag}`;
  const since = new Date(Date.now() - MIN).toISOString();
  const ids: string[] = [];
  for (const name of ['aino', 'matti']) {
    const res = await fetch(`${stack.apiUrl}/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...capture },
      body: JSON.stringify({
        email: `${name}.${randomUUID()}@example.fi`,
        firstName: name,
        country: `FI-${tag}`,
        city: 'Oulu',
        source: { channel: source },
      }),
    });
    ids.push(((await res.json()) as { leadId: string }).leadId);
  }
  const live = await stack.authAs('rep', `live-${tag}`);
  // Contacting and routed: the rep may act on the lead once the welcome has assigned it.
  for (
    let i = 0;
    i < 200 &&
    (
      await stack.db.query(
        "SELECT 1 FROM leads WHERE id = ANY($1) AND stage = 'contacting' AND assigned_rep_id IS NOT NULL",
        [ids],
      )
    ).length < 2;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  const reached = await fetch(`${stack.apiUrl}/v1/leads/${ids[0]}/outcomes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...live },
    body: JSON.stringify({ outcome: 'reached' }),
  });
  expect(reached.status).toBe(200);
  // The outcome is answered once decided; its touch and stage change are written just after.
  for (
    let i = 0;
    i < 200 &&
    (await stack.db.query("SELECT 1 FROM leads WHERE id = $1 AND stage = 'nurturing'", [ids[0]])).length === 0;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  for (
    let i = 0;
    i < 200 &&
    (await stack.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome'", [ids[0]])).length === 0;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  const res = await get(`/v1/funnel?from=${since}&source=${source}`, manager);
  expect(res.status).toBe(200);
  expect(res.body.total).toMatchObject({
    leads: 2,
    reached: expect.objectContaining({ contacting: 2, nurturing: 1 }),
    current: expect.objectContaining({ contacting: 1, nurturing: 1 }),
    speedToLead: { contacted: 1, medianSeconds: expect.any(Number), p90Seconds: expect.any(Number) },
    slaBreachRate: 0,
  });
  const [row] = await stack.db.query(
    "SELECT extract(epoch FROM t.at - l.first_touch_at)::float8 AS seconds FROM leads l JOIN touches t ON t.lead_id = l.id AND t.kind = 'outcome' WHERE l.id = $1",
    [ids[0]],
  );
  expect(res.body.total.speedToLead.medianSeconds).toBeCloseTo(row!.seconds, 3);
  expect(res.body.byRep.map((r: any) => [r.rep, r.leads])).toEqual([[`live-${tag}`, 2]]);
});
