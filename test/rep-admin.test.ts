/**
 * Rep administration on the real stack (issue 14.1, R16): reps, territories, languages and away
 * windows added and changed through /v1/admin/reps and `npm run reps`, every change audited; leads
 * routed by them through their workflows; a deactivated rep's open leads reassigned through each
 * workflow, with the manager told, and no lead left with a deactivated owner.
 */
import { randomUUID } from 'node:crypto';
import { createApiKey, hashKey } from '../db/keys';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { createNotifyActivities } from '../activities/send-email';
import { repsStatusLines, runReps, USAGE } from '../scripts/reps';
import { MAIL, startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';
import { email, text } from '../domain/i18n';

let stack: Stack;
let admin: Record<string, string>;
let adminKey: string;
let adminKeyId: string;
let capture: Record<string, string>;
let tag: string;
let city: string;

beforeAll(async () => {
  stack = await startStack('rep-admin');
  tag = stack.taskQueue.slice(-6);
  city = `Athens-${tag}`;
  adminKey = await createApiKey(stack.db, 'admin', { label: 'rep admin test' });
  admin = { authorization: `Bearer ${adminKey}` };
  const [key] = await stack.db.query<{ id: string }>('SELECT id::text FROM api_keys WHERE key_hash = $1', [
    hashKey(adminKey),
  ]);
  adminKeyId = key!.id;
  capture = await stack.authAs('capture');
});
afterAll(async () => {
  // This file's reps take no other test's leads once it is done.
  await stack?.db.query("UPDATE reps SET available = false WHERE id LIKE '%-' || $1", [tag]);
  await stack?.close();
});

const repBody = (id: string, extra: object = {}) => ({
  id,
  name: `Rep ${id}`,
  email: `${id}@reps.ripen.test`,
  territories: [{ country: 'gr', city }],
  ...extra,
});

async function captureLead(name: string): Promise<string> {
  const res = await stack.call('POST', '/v1/leads', capture, {
    email: `${name}.${randomUUID()}@example.gr`,
    firstName: name,
    country: 'GR',
    city,
    source: { channel: 'web-form' },
  });
  expect(res.status).toBe(201);
  return res.body.leadId;
}

async function ownerOf(leadId: string): Promise<string | null> {
  const [lead] = await stack.db.query<{ assigned_rep_id: string | null }>(
    'SELECT assigned_rep_id FROM leads WHERE id = $1',
    [leadId],
  );
  return lead?.assigned_rep_id ?? null;
}

async function waitForOwner(leadId: string, repId: string): Promise<void> {
  await waitUntil(async () => (await ownerOf(leadId)) === repId, 60_000);
}

describe('the admin API for reps', () => {
  it('adds a rep (201) with countries upper-cased and language tags canonical, and refuses the same id (409)', async () => {
    const id = `oona-${tag}`;
    const created = await stack.call('POST', '/v1/admin/reps', admin, {
      ...repBody(id),
      territories: [
        { country: 'fi', city: `Oulu-${tag}` },
        { country: 'FI', region: 'Lapland' },
      ],
      languages: ['FI', 'fa-ir', 'fi'],
      managerEmail: `boss-${tag}@reps.ripen.test`,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id,
      territories: [
        { country: 'FI', city: `Oulu-${tag}` },
        { country: 'FI', region: 'Lapland' },
      ],
      languages: ['fi', 'fa-IR'],
      weight: 1,
      available: true,
      active: true,
      away: [],
      managerEmail: `boss-${tag}@reps.ripen.test`,
    });
    const again = await stack.call('POST', '/v1/admin/reps', admin, repBody(id));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('rep_exists');
    expect((await stack.call('GET', `/v1/admin/reps/${id}`, admin)).body.name).toBe(`Rep ${id}`);
  });

  it('answers 400 naming each bad field, and stores nothing', async () => {
    const bad = await stack.call('POST', '/v1/admin/reps', admin, {
      id: 'Not An Id',
      email: 'nobody',
      territories: [{ country: 'Finland' }],
      languages: ['not a language'],
      weight: 0,
      away: [{ from: '2026-07-02T00:00:00Z', to: '2026-07-01T00:00:00Z' }],
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['away.0.to', 'email', 'extra', 'id', 'languages.0', 'name', 'territories.0.country', 'weight'].sort(),
    );
    expect(await stack.db.query('SELECT 1 FROM reps WHERE lower(id) = $1', ['not an id'])).toEqual([]);
    const patch = await stack.call('PATCH', `/v1/admin/reps/oona-${tag}`, admin, { weight: 'heavy', away: 'soon' });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['away', 'weight']);
    expect((await stack.call('GET', '/v1/admin/reps/not-a-rep', admin)).status).toBe(404);
    expect((await stack.call('PATCH', '/v1/admin/reps/not-a-rep', admin, { weight: 2 })).status).toBe(404);
  });

  it('needs an admin key', async () => {
    expect((await stack.call('GET', '/v1/admin/reps', {})).status).toBe(401);
    expect((await stack.call('GET', '/v1/admin/reps', await stack.authAs('manager'))).status).toBe(403);
    expect((await stack.call('POST', '/v1/admin/reps', await stack.authAs('rep'), repBody(`x-${tag}`))).status).toBe(
      403,
    );
  });

  it('replaces territories as a whole on PATCH and audits each change: who, when, what', async () => {
    const id = `oona-${tag}`;
    const patched = await stack.call('PATCH', `/v1/admin/reps/${id}`, admin, {
      territories: [{ country: 'FI', city: 'Kemi' }],
      weight: 3,
      name: `Rep ${id}`, // unchanged: no change recorded
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ territories: [{ country: 'FI', city: 'Kemi' }], weight: 3 });
    expect(patched.body.changed.sort()).toEqual(['territories', 'weight']);
    const { body } = await stack.call('GET', `/v1/admin/reps/${id}/audit`, admin);
    expect(body.entries.map((e: { action: string }) => e.action)).toEqual(['created', 'updated']);
    expect(body.entries[1]).toMatchObject({
      actor: adminKeyId,
      changes: {
        weight: { from: 1, to: 3 },
        territories: {
          from: [
            { country: 'FI', city: `Oulu-${tag}` },
            { country: 'FI', region: 'Lapland' },
          ],
          to: [{ country: 'FI', city: 'Kemi' }],
        },
      },
    });
    expect(Date.parse(body.entries[1].at)).toBeGreaterThanOrEqual(Date.parse(body.entries[0].at));
  });
});

describe('the admin API over random input (properties)', () => {
  it('keeps the rep, its audit and a model in step over any run of changes', async () => {
    const id = `prop-${tag}`;
    const created = await stack.call('POST', '/v1/admin/reps', admin, {
      ...repBody(id),
      territories: [],
      available: false, // out of routing: only its record is under test
    });
    expect(created.status).toBe(201);
    const model: Record<string, unknown> = {
      name: `Rep ${id}`,
      email: `${id}@reps.ripen.test`,
      managerEmail: null,
      territories: [],
      languages: [],
      weight: 1,
      available: false,
      away: [],
    };
    let audited = 1;
    const patchArb = fc.record(
      {
        name: fc.constantFrom('Anna', 'Bo'),
        email: fc.constantFrom('a@example.fi', 'b@example.fi'),
        managerEmail: fc.constantFrom(null, 'boss@example.fi'),
        territories: fc.constantFrom([], [{ country: 'FI' }], [{ country: 'FI', region: 'Lapland', city: 'Kemi' }]),
        languages: fc.constantFrom([], ['fi'], ['fi', 'en']),
        weight: fc.integer({ min: 1, max: 3 }),
        away: fc.constantFrom([], [{ from: '2026-07-01T00:00:00.000Z', to: '2026-07-29T00:00:00.000Z' }]),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(patchArb, { minLength: 1, maxLength: 5 }), async (patches) => {
        for (const patch of patches) {
          const res = await stack.call('PATCH', `/v1/admin/reps/${id}`, admin, patch);
          expect(res.status).toBe(200);
          const changed = Object.entries(patch)
            .filter(([field, value]) => JSON.stringify(model[field]) !== JSON.stringify(value))
            .map(([field]) => field);
          expect([...res.body.changed].sort()).toEqual([...changed].sort());
          const before = { ...model };
          Object.assign(model, patch);
          if (changed.length > 0) audited += 1;
          expect((await stack.call('GET', `/v1/admin/reps/${id}`, admin)).body).toMatchObject(model);
          const { body } = await stack.call('GET', `/v1/admin/reps/${id}/audit`, admin);
          expect(body.entries).toHaveLength(audited);
          if (changed.length > 0)
            expect(body.entries.at(-1).changes).toEqual(
              Object.fromEntries(changed.map((f) => [f, { from: before[f], to: model[f] }])),
            );
        }
      }),
      { numRuns: 15 },
    );
  });

  it('answers random bodies with 201, 400 or 409, never a server error, and stores only valid reps', async () => {
    const junk = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.constant('\u0000'));
    const bodyArb = fc.record(
      {
        id: fc.oneof(fc.constantFrom(`rnd-${tag}`, `RND ${tag}`), junk),
        name: fc.oneof(fc.constantFrom('Rand', ' ', 'x'.repeat(201)), junk),
        email: fc.oneof(fc.constant('r@example.fi'), junk),
        territories: fc.oneof(
          fc.constant([{ country: 'SE', city: `Nowhere-${tag}` }]),
          fc.array(fc.record({ country: junk }), { maxLength: 2 }),
          junk,
        ),
        languages: fc.oneof(fc.constant(['sv']), fc.array(fc.string(), { maxLength: 2 }), junk),
        weight: fc.oneof(fc.integer({ min: -2, max: 2000 }), fc.double(), junk),
        available: fc.oneof(fc.constant(false), junk), // never true: a rep created here takes no one's leads
        away: fc.oneof(
          fc.constant([{ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }]),
          fc.array(fc.record({ from: junk, to: junk }), { maxLength: 2 }),
          junk,
        ),
      },
      { requiredKeys: ['available'] },
    );
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        const res = await stack.call('POST', '/v1/admin/reps', admin, body);
        expect([201, 400, 409]).toContain(res.status);
        if (res.status === 400) expect(res.body.error.fields.length).toBeGreaterThan(0);
        if (res.status === 201) expect(res.body).toMatchObject({ id: `rnd-${tag}`, available: false });
      }),
      { numRuns: 60 },
    );
  });
});

describe('routing by what the admin set, and deactivation (R16)', () => {
  const greek = () => `greek-${tag}`;
  const english = () => `english-${tag}`;
  const backup = () => `backup-${tag}`;
  const manager = () => `manager-${tag}@reps.ripen.test`;
  const leads: Record<string, string> = {};

  it('routes a Greek lead to the rep who speaks Greek, and to the other one while the first is away', async () => {
    for (const [id, language] of [
      [greek(), 'el'],
      [english(), 'en'],
    ] as const) {
      const res = await stack.call(
        'POST',
        '/v1/admin/reps',
        admin,
        repBody(id, { languages: [language], managerEmail: manager() }),
      );
      expect(res.status).toBe(201);
    }
    leads.first = await captureLead('Eleni');
    await waitForOwner(leads.first, greek());
    const [assignment] = await stack.db.query<{ reason: string }>(
      'SELECT reason FROM lead_assignments WHERE lead_id = $1',
      [leads.first],
    );
    expect(assignment!.reason).toBe(`territory ${city}, GR, speaks el`);

    const now = Date.now();
    const away = await stack.call('PATCH', `/v1/admin/reps/${greek()}`, admin, {
      away: [{ from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString() }],
    });
    expect(away.status).toBe(200);
    leads.second = await captureLead('Nikos');
    await waitForOwner(leads.second, english());
    expect((await stack.call('PATCH', `/v1/admin/reps/${greek()}`, admin, { away: [] })).body.away).toEqual([]);
  });

  it('deactivates a rep: their open lead is reassigned through its workflow, the new rep and the manager told', async () => {
    const res = await stack.call('DELETE', `/v1/admin/reps/${english()}`, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rep: { id: english(), active: false },
      alreadyDeactivated: false,
      leads: { reassigning: [leads.second], ended: [], failed: [] },
    });
    await waitForOwner(leads.second!, greek());
    const [reassignment] = await stack.db.query<{ previous_rep_id: string; reason: string }>(
      'SELECT previous_rep_id, reason FROM lead_assignments WHERE lead_id = $1 ORDER BY id DESC LIMIT 1',
      [leads.second],
    );
    expect(reassignment).toMatchObject({ previous_rep_id: english() });
    expect(reassignment!.reason).toContain(`rep ${english()} deactivated`);
    await stack.smtp.waitFor(
      // The manager's notice is in the new rep's language (Greek here).
      (m) =>
        m.envelopeTo.includes(manager()) &&
        (m.parsed.subject ?? '').startsWith(email('el', 'manager.lead_reassigned', { lead: '', rep: '' })!.subject),
    );
    await stack.smtp.waitFor(
      (m) => m.envelopeTo.includes(`${greek()}@reps.ripen.test`) && /Nikos/.test(m.parsed.text ?? ''),
    );

    // Gone from the list (there with includeInactive), closed to changes; a second DELETE changes nothing.
    const ids = (query: string) =>
      stack.call('GET', `/v1/admin/reps${query}`, admin).then((r) => r.body.reps.map((rep: { id: string }) => rep.id));
    expect(await ids('')).not.toContain(english());
    expect(await ids('?includeInactive=true')).toContain(english());
    expect((await stack.call('PATCH', `/v1/admin/reps/${english()}`, admin, { weight: 2 })).status).toBe(409);
    const again = await stack.call('DELETE', `/v1/admin/reps/${english()}`, admin);
    expect(again.body).toMatchObject({ alreadyDeactivated: true, leads: { reassigning: [] } });
    const audit = await stack.call('GET', `/v1/admin/reps/${english()}/audit`, admin);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['created', 'deactivated']);
  });

  it('leaves no lead with a deactivated owner: every open lead of the last Greek speaker goes to the backup', async () => {
    expect((await stack.call('POST', '/v1/admin/reps', admin, repBody(backup()))).status).toBe(201);
    // Unavailable: new leads go to the backup, never to the deactivated rep who also covers the city.
    expect((await stack.call('PATCH', `/v1/admin/reps/${greek()}`, admin, { available: false })).status).toBe(200);
    leads.third = await captureLead('Sofia');
    await waitForOwner(leads.third, backup());

    const res = await stack.call('DELETE', `/v1/admin/reps/${greek()}`, admin);
    expect(res.body.leads.reassigning.sort()).toEqual([leads.first, leads.second].sort());
    await Promise.all([waitForOwner(leads.first!, backup()), waitForOwner(leads.second!, backup())]);
    const open = await stack.db.query(
      `SELECT id FROM leads WHERE assigned_rep_id IN ($1, $2) AND stage NOT IN ('converted', 'disqualified')`,
      [greek(), english()],
    );
    expect(open).toEqual([]);
    const audit = await stack.call('GET', `/v1/admin/reps/${greek()}/audit`, admin);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'updated',
      'updated',
      'updated',
      'deactivated',
    ]);
    expect(audit.body.entries.every((e: { actor: string }) => e.actor === adminKeyId)).toBe(true);
    // Keep this file's reps out of other tests' round robin.
    await stack.call('PATCH', `/v1/admin/reps/${backup()}`, admin, { available: false });
  });
});

it('signs the first touch with the team (SENDER_IDENTITY) when no rep could take the lead, never a made-up person (R7)', async () => {
  const leadId = await captureLead('Ioanna');
  const mailer = nodemailer.createTransport(stack.smtp.url);
  try {
    // What the welcome does when routing finds nobody: the first touch with no rep.
    const notify = createNotifyActivities({ db: stack.db, mailer, mail: MAIL });
    expect(await notify.sendFirstTouchEmail({ leadId, sendKey: `no-rep-${leadId}`, repId: null })).toMatchObject({
      status: 'sent',
    });
  } finally {
    mailer.close();
  }
  await stack.smtp.waitFor(
    (m) =>
      m.envelopeTo.some((to) => to.toLowerCase().startsWith('ioanna.')) &&
      // A Greek lead: the Greek signature, signed by the team, which writes as a team ("the team writes to you").
      (m.parsed.text ?? '').includes(text('el', 'lead.signature', { repName: MAIL.senderIdentity })) &&
      (m.parsed.text ?? '').includes('Σας γράφει η ομάδα'),
  );
});

describe('npm run reps', () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runReps(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { RIPEN_API_URL: stack.apiUrl, RIPEN_ADMIN_KEY: adminKey },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('adds, lists, changes, sends away and deactivates a rep through the API, with the same rules', async () => {
    const id = `cli-${tag}`;
    const added = await run(
      'add',
      id,
      '--name',
      'Oona Oulu',
      '--email',
      'oona@example.fi',
      '--territory',
      `FI/Oulu-${tag}`,
      '--territory',
      'FI/Lapland/*',
      '--language',
      'fi',
      '--language',
      'en',
      '--weight',
      '2',
    );
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain(`territories: FI/Oulu-${tag}, FI/Lapland/*`);
    expect((await run('add', id, '--name', 'Again', '--email', 'a@example.fi')).err).toMatch(/^409 A rep with id/);
    const bad = await run('add', `bad-${tag}`, '--email', 'nope', '--weight', '0');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('  email: ');
    expect(bad.err).toContain('  name: ');
    expect(bad.err).toContain('  weight: ');

    expect((await run('list')).out).toContain(`${id}  Oona Oulu <oona@example.fi>  available, weight 2`);
    const set = await run('set', id, '--territory', 'FI', '--available', 'false');
    expect(set.out).toContain('Changed territories, available:');
    expect((await run('away', id, '--from', '2026-07-01', '--to', '2026-07-29')).out).toContain(
      'away:        2026-07-01T00:00:00.000Z → 2026-07-29T00:00:00.000Z',
    );
    const json = JSON.parse((await run('show', id, '--json')).out);
    expect(json).toMatchObject({
      territories: [{ country: 'FI' }],
      available: false,
      away: [{ from: '2026-07-01T00:00:00.000Z' }],
    });
    expect((await run('deactivate', id)).out).toContain(`${id} is now deactivated`);
    expect((await run('list')).out).not.toContain(id);
    expect((await run('list', '--all')).out).toContain(`${id}  Oona Oulu <oona@example.fi>  deactivated`);
    const audit = await run('audit', id);
    expect(audit.out.split('\n').map((l) => l.split('  ')[2])).toEqual([
      'created',
      'updated',
      'updated',
      'deactivated',
    ]);
  });

  it('is what `npm start` tells a fresh install to run first, and the command it prints works', async () => {
    const lines = repsStatusLines(0, stack.apiUrl, MAIL.senderIdentity);
    expect(lines[0]).toContain(`first touches are signed "${MAIL.senderIdentity}"`);
    expect(lines.join('\n')).toContain(`${stack.apiUrl}/admin/reps`);
    // The printed command, with this test's own id and city so it touches no other test's leads.
    const printed = lines
      .slice(1, 3)
      .join(' ')
      .replace(/^.*npm run reps -- /, '')
      .replace(/\\/g, '')
      .match(/"[^"]*"|\S+/g)!
      .map((arg) => arg.replace(/^"|"$/g, ''));
    expect(printed.slice(0, 2)).toEqual(['add', 'rep-oulu']);
    const argv = [...printed];
    argv[1] = `first-${tag}`;
    argv[argv.indexOf('FI/Oulu')] = `FI/Oulu-${tag}`;
    expect(await run(...argv)).toMatchObject({ code: 0, err: '' });
    expect(await run('deactivate', `first-${tag}`)).toMatchObject({ code: 0 });
    expect(repsStatusLines(2, stack.apiUrl, MAIL.senderIdentity)).toEqual([
      `Reps           2 active: npm run reps -- list, or ${stack.apiUrl}/admin/reps (docs/reps.md)`,
    ]);
  });

  it('explains itself with --help, and refuses a bad command line with the usage (exit 2)', async () => {
    expect(await run('--help')).toEqual({ code: 0, out: USAGE, err: '' });
    const unknown = await run('fire', 'someone');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "fire"');
    expect((await run('add')).err).toContain('add needs a rep id');
    expect((await run('set', `x-${tag}`, '--territory', 'FI//Oulu')).err).toContain('expected COUNTRY');
  });
});
