/**
 * R22: the rep's board and the lead search, against the real dev server, database and SMTP:
 * a rep sees only their own leads, the most urgent first, page by page; managers pick a rep.
 */
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let oulu: Record<string, string>;
let helsinki: Record<string, string>;
let manager: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('board');
  tag = stack.taskQueue.slice(-6);
  for (const [id, city] of [
    ['oulu', 'Oulu'],
    ['helsinki', 'Helsinki'],
    ['seeded', 'Seeded'],
  ]) {
    await stack.addRep(`${id}-${tag}`, `Rep ${id}`, { country: `FI-${tag}`, city });
  }
  [capture, oulu, helsinki, manager] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('rep', `oulu-${tag}`),
    stack.authAs('rep', `helsinki-${tag}`),
    stack.authAs('manager'),
  ]);
});
afterAll(() => stack.close());

const call: Stack['call'] = (...args) => stack.call(...args);

/** Captures a lead in a city and waits until its workflow has it contacting, scored, with its first call task (R6). */
async function lead(name: string, city: string, source = 'web-form'): Promise<string> {
  const res = await call('POST', '/v1/leads', capture, {
    email: `${name}.${randomUUID()}@example.fi`,
    phone: `+358 40 ${Math.floor(Math.random() * 1e7)}`,
    firstName: name,
    company: `${name} Oy`,
    country: `FI-${tag}`,
    city,
    source: { channel: source },
  });
  expect(res.status).toBe(201);
  const leadId: string = res.body.leadId;
  for (let i = 0; i < 200; i++) {
    const [row] = await stack.db.query(
      "SELECT 1 FROM leads WHERE id = $1 AND stage = 'contacting' AND grade IS NOT NULL AND EXISTS (SELECT 1 FROM tasks WHERE lead_id = $1)",
      [leadId],
    );
    if (row) return leadId;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('lead never reached contacting');
}

const cardsOf = (board: any) => board.columns.flatMap((c: { cards: unknown[] }) => c.cards);

it("shows a rep only their own leads, by stage, with each relationship's state (R22)", async () => {
  const mine = await lead('aino', 'Oulu', 'trade-show');
  const theirs = await lead('pekka', 'Helsinki');
  const res = await call('GET', '/v1/board', oulu);
  expect(res.status).toBe(200);
  expect(res.body.rep).toBe(`oulu-${tag}`);
  const ids = cardsOf(res.body).map((c: { id: string }) => c.id);
  expect(ids).toContain(mine);
  expect(ids).not.toContain(theirs);
  const contacting = res.body.columns.find((c: { stage: string }) => c.stage === 'contacting');
  expect(contacting.count).toBe(contacting.cards.length);
  const card = contacting.cards.find((c: { id: string }) => c.id === mine);
  expect(card).toMatchObject({
    name: 'aino',
    company: 'aino Oy',
    stage: 'contacting',
    grade: expect.stringMatching(/^(cold|warm|hot)$/),
    score: expect.any(Number),
    attempts: 0,
    source: 'trade-show',
    assignedRep: `oulu-${tag}`,
    slaBreached: false,
    stalled: false,
    // The cadence's first step is a call task due within the speed-to-lead SLA (R6), not yet overdue.
    urgency: 'none',
    nextActivity: { kind: 'call', what: expect.stringContaining('call'), at: expect.any(String) },
  });
  expect(Date.parse(card.slaDeadline)).toBeGreaterThan(Date.now());
  expect(Date.parse(card.nextActivity.at)).toBeLessThanOrEqual(Date.parse(card.slaDeadline) + 60_000);

  // A reported outcome closes the due call task and counts the attempt (R8).
  expect((await call('POST', `/v1/leads/${mine}/outcomes`, oulu, { outcome: 'no_answer' })).status).toBe(200);
  for (let i = 0; i < 100; i++) {
    const after = cardsOf((await call('GET', '/v1/board?stage=contacting', oulu)).body).find(
      (c: { id: string }) => c.id === mine,
    );
    if (after?.attempts === 1) {
      expect(after.urgency).not.toBe('activity_due');
      // The call it reports on is done: the next activity is the cadence's next step, a day or more away.
      expect(after.nextActivity === null || Date.parse(after.nextActivity.at) > Date.now() + 60 * 60_000).toBe(true);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the board never showed the attempt');
});

it("gives managers any rep's board with ?rep= and refuses a rep another rep's (403) or a lead's details (404)", async () => {
  const theirs = await lead('ville', 'Helsinki');
  const asManager = await call('GET', `/v1/board?rep=helsinki-${tag}`, manager);
  expect(asManager.status).toBe(200);
  expect(cardsOf(asManager.body).map((c: { id: string }) => c.id)).toContain(theirs);
  expect(cardsOf(asManager.body).every((c: { assignedRep: string }) => c.assignedRep === `helsinki-${tag}`)).toBe(true);
  // Without ?rep= a manager sees every rep's leads.
  const everyone = await call('GET', `/v1/leads?stage=contacting&limit=200`, manager);
  expect(everyone.body.leads.map((c: { id: string }) => c.id)).toContain(theirs);
  expect(everyone.body.leads.some((c: { assignedRep: string }) => c.assignedRep === `oulu-${tag}`)).toBe(true);
  const othersLeads = {
    status: 403,
    body: { error: { code: 'forbidden', message: expect.stringContaining('own leads') } },
  };
  expect(await call('GET', `/v1/board?rep=helsinki-${tag}`, oulu)).toMatchObject(othersLeads);
  expect(await call('GET', `/v1/leads?rep=helsinki-${tag}`, oulu)).toMatchObject(othersLeads);
  expect(await call('GET', `/v1/leads/${theirs}`, oulu)).toMatchObject({
    status: 404,
    body: { error: { code: 'lead_not_found' } },
  });
  expect(await call('GET', '/v1/board', capture)).toMatchObject({
    status: 403,
    body: { error: { code: 'forbidden', message: expect.stringContaining('roles') } },
  });
  expect(await call('GET', '/v1/board', {})).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
});

it('answers 400 naming the field for a bad filter, limit or cursor', async () => {
  const bad = await call('GET', '/v1/board?stage=contacting,sleeping&grade=lukewarm&limit=0', oulu);
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['grade', 'limit', 'stage.1']);
  const unknown = await call('GET', '/v1/leads?colour=red', oulu);
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.fields).toEqual([{ field: 'colour', message: 'unknown field' }]);
  const cursor = await call('GET', '/v1/board?cursor=bm90LWEtY3Vyc29y', oulu);
  expect(cursor.status).toBe(400);
  expect(cursor.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['cursor']);
});

describe('order and pages', () => {
  const rep = () => `seeded-${tag}`;
  const minutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
  const seeded: Record<string, string> = {};

  /** Lead rows as the workflow leaves them, for a rep of their own, so the order is known exactly. */
  beforeAll(async () => {
    const rows: [string, string, string | null, string | null, string | null][] = [
      // name, stage, grade, sla deadline, open task due
      ['quiet', 'nurturing', 'cold', null, null],
      ['hot-later', 'qualified', 'hot', null, minutes(60)],
      ['call-due', 'contacting', 'warm', minutes(10), minutes(-5)],
      ['breached-late', 'contacting', 'cold', minutes(-1), null],
      ['breached-early', 'contacting', 'warm', minutes(-30), minutes(-40)],
      ['hot-sooner', 'nurturing', 'hot', null, minutes(30)],
      ['meeting-due', 'qualified', 'cold', null, minutes(-60)],
    ];
    for (const [name, stage, grade, sla, due] of rows) {
      const [row] = await stack.db.query<{ id: string }>(
        `INSERT INTO leads (email, email_normalized, first_name, stage, grade, score, sla_deadline, assigned_rep_id, first_touch_at, first_source, last_touch_at)
         VALUES ($1, $1, $2, $3, $4, 10, $5, $6, now(), '{"channel":"seed"}', now()) RETURNING id`,
        [`${name}.${randomUUID()}@example.fi`, name, stage, grade, sla, rep()],
      );
      seeded[name] = row!.id;
      if (due)
        await stack.db.query(
          "INSERT INTO tasks (task_key, lead_id, rep_id, kind, title, due_at, created_at) VALUES ($1, $2, $3, 'meeting', 'meet them', $4, now())",
          [randomUUID(), row!.id, rep(), due],
        );
    }
  });

  it('puts breached SLAs first, then due calls and meetings, then hot leads, earliest first', async () => {
    const res = await call('GET', `/v1/leads?rep=${rep()}`, manager);
    expect(res.status).toBe(200);
    expect(res.body.leads.map((c: { name: string }) => c.name)).toEqual([
      'breached-early',
      'breached-late',
      'meeting-due',
      'call-due',
      'hot-sooner',
      'hot-later',
      'quiet',
    ]);
    expect(res.body.leads.map((c: { urgency: string }) => c.urgency)).toEqual([
      'sla_breached',
      'sla_breached',
      'activity_due',
      'activity_due',
      'hot',
      'hot',
      'none',
    ]);
    expect(res.body.total).toBe(7);
  });

  it('walks the same order page by page with the cursor, and filters by stage, grade and source', async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await call(
        'GET',
        `/v1/leads?rep=${rep()}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        manager,
      );
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(7);
      names.push(...page.body.leads.map((c: { name: string }) => c.name));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toEqual([
      'breached-early',
      'breached-late',
      'meeting-due',
      'call-due',
      'hot-sooner',
      'hot-later',
      'quiet',
    ]);
    const boardPage = await call('GET', `/v1/board?rep=${rep()}&limit=3`, manager);
    expect(
      cardsOf(boardPage.body)
        .map((c: { name: string }) => c.name)
        .sort(),
    ).toEqual(['breached-early', 'breached-late', 'meeting-due']);

    const hotNurturing = await call('GET', `/v1/leads?rep=${rep()}&stage=nurturing&grade=hot`, manager);
    expect(hotNurturing.body.leads.map((c: { name: string }) => c.name)).toEqual(['hot-sooner']);
    const qualified = await call('GET', `/v1/board?rep=${rep()}&stage=qualified,contacting`, manager);
    expect(qualified.body.columns.map((c: { stage: string; count: number }) => [c.stage, c.count])).toEqual([
      ['qualified', 2],
      ['contacting', 3],
    ]);
    expect((await call('GET', `/v1/leads?rep=${rep()}&source=seed`, manager)).body.total).toBe(7);
    expect((await call('GET', `/v1/leads?rep=${rep()}&source=web-form`, manager)).body.total).toBe(0);
  });
});
