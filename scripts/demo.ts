/**
 * `npm run demo`: against the running local stack (`npm start`, ideally with RIPEN_TIME_SCALE so
 * the cadences' clock is compressed), creates reps and territories from the seeds' world, captures
 * a few dozen synthetic leads from several sources and plays engagement and rep outcomes against
 * them, so that every stage — SLA breach, five attempts, nurture, MQL, handoff, conversion, not
 * interested, junk — shows in the inbox, the Temporal UI and the API within minutes.
 * Everything goes through the public API, as a web form, a web site and reps would; only the reps,
 * territories and the demo's keys are written to PostgreSQL directly (there is no API for them).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createDb, type Db } from '../db';
import { createApiKey } from '../db/keys';

/** Written by `npm start`; RIPEN_STACK_FILE points elsewhere (the demo's own test). */
const STACK_FILE = process.env.RIPEN_STACK_FILE ?? path.resolve(__dirname, '..', 'data', 'stack.json');
const say = (message: string) => console.log(`[demo] ${message}`);

interface StackInfo {
  apiUrl: string;
  databaseUrl: string;
  inboxUrl?: string;
  temporalUiUrl?: string;
  timeScale: number;
}

/** The seeds' world (docs/rules.md): a rep per place, routed by territory (R16). */
const REPS = [
  { id: 'demo-oulu', name: 'Aino Virtanen', country: 'FI', city: 'Oulu' },
  { id: 'demo-helsinki', name: 'Mikko Nieminen', country: 'FI', city: 'Helsinki' },
  { id: 'demo-athens', name: 'Eleni Papadopoulou', country: 'GR', city: 'Athens' },
  { id: 'demo-tehran', name: 'Dariush Karimi', country: 'IR', city: 'Tehran' },
  { id: 'demo-kyiv', name: 'Olena Shevchenko', country: 'UA', city: 'Kyiv' },
] as const;

const PEOPLE = [
  ['Aino', 'Korhonen', 'Oulun Kone Oy', 'manufacturing', '201-1000', 'Head of Operations', 'FI', 'Oulu'],
  ['Juha', 'Mäkinen', 'Pohjolan Logistiikka', 'logistics', '51-200', 'Logistics Manager', 'FI', 'Oulu'],
  ['Sanna', 'Laine', 'Helsinki Retail Group', 'retail', '1000+', 'Director of E-commerce', 'FI', 'Helsinki'],
  ['Pekka', 'Heikkinen', 'Kallio Software', 'software', '11-50', 'Developer', 'FI', 'Helsinki'],
  ['Nikos', 'Georgiou', 'Aegean Freight', 'logistics', '201-1000', 'COO', 'GR', 'Athens'],
  ['Maria', 'Dimitriou', 'Acropolis Health', 'healthcare', '51-200', 'Practice Manager', 'GR', 'Athens'],
  ['Reza', 'Ahmadi', 'Alborz Industrial', 'manufacturing', '1000+', 'Plant Director', 'IR', 'Tehran'],
  ['Shirin', 'Hosseini', 'Tehran Textiles', 'retail', '11-50', 'Buyer', 'IR', 'Tehran'],
  ['Taras', 'Kovalenko', 'Dnipro Systems', 'software', '201-1000', 'CTO', 'UA', 'Kyiv'],
  ['Iryna', 'Bondarenko', 'Kyiv Foods', 'retail', '51-200', 'Marketing Manager', 'UA', 'Kyiv'],
  ['Lauri', 'Salo', 'Saimaa Wood', 'manufacturing', '51-200', 'Owner', 'FI', 'Oulu'],
  ['Katerina', 'Nikolaou', 'Piraeus Ports Tech', 'software', '201-1000', 'VP Engineering', 'GR', 'Athens'],
] as const;

const SOURCES = [
  { channel: 'web-form', form: 'contact-us', utm: { source: 'google', medium: 'cpc', campaign: 'spring-2026' } },
  { channel: 'webinar', event: 'Lean logistics 2026' },
  { channel: 'import', campaign: 'trade-fair-oulu' },
  { channel: 'referral', campaign: 'customer-referral' },
  { channel: 'chat' },
];

/** What the demo does with each lead, in turn. */
const SCENARIOS = [
  'sla-breach',
  'five-attempts',
  'engaged-to-conversion',
  'meeting-then-rejected',
  'nurture',
  'not-interested',
  'engaged-to-conversion',
  'junk',
] as const;
type Scenario = (typeof SCENARIOS)[number];

function readStack(): StackInfo {
  if (!existsSync(STACK_FILE)) {
    throw new Error(
      'No running stack found (data/stack.json). Start it first in another terminal: `RIPEN_TIME_SCALE=720 npm start`.',
    );
  }
  return JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
}

class Api {
  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  async call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const send = () =>
      fetch(`${this.base}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let res = await send();
    // Over the capture rate limit (RATE_LIMIT_CAPTURE_PER_MINUTE, e.g. DEMO_LEADS=500): wait as told, then again.
    for (let attempt = 0; res.status === 429 && attempt < 10; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 5) * 1000));
      res = await send();
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (res.status >= 400 && res.status !== 409) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return { status: res.status, body: parsed };
  }
}

async function setUpReps(db: Db): Promise<void> {
  for (const rep of REPS) {
    await db.query(
      `INSERT INTO reps (id, name, email, manager_email) VALUES ($1, $2, $3, 'sales-manager@ripen.local')
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
      [rep.id, rep.name, `${rep.id}@reps.ripen.local`],
    );
    const [existing] = await db.query('SELECT 1 FROM territories WHERE rep_id = $1', [rep.id]);
    if (!existing)
      await db.query('INSERT INTO territories (rep_id, country, city) VALUES ($1, $2, $3)', [
        rep.id,
        rep.country,
        rep.city,
      ]);
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function play(
  scenario: Scenario,
  leadId: string,
  apis: { manager: Api; capture: Api; admin: Api },
): Promise<string> {
  const outcome = (o: string, note?: string) =>
    apis.manager.call('POST', `/v1/leads/${leadId}/outcomes`, { outcome: o, note });
  const events = (types: string[]) =>
    apis.capture.call('POST', '/v1/events', {
      events: types.map((type) => ({
        type,
        leadId,
        ...(type === 'page_visit' ? { path: '/solutions' } : type === 'pricing_page_visit' ? { path: '/pricing' } : {}),
      })),
    });
  switch (scenario) {
    case 'sla-breach':
      return 'left alone: the speed-to-lead SLA breaches, the manager is told and the lead is reassigned (R6)';
    case 'five-attempts':
      for (let i = 0; i < 5; i++) await outcome(i % 2 ? 'voicemail' : 'no_answer', `attempt ${i + 1}`);
      return 'five unanswered attempts: not interested, kept, long-term nurture (R4, R8)';
    case 'engaged-to-conversion': {
      await outcome('reached', 'interested, wants to read more');
      await events(['page_visit', 'download', 'pricing_page_visit', 'pricing_page_visit']);
      await pause(1_500);
      const handoff = await apis.manager.call('POST', `/v1/leads/${leadId}/handoff`, { decision: 'accept' });
      if (handoff.status === 409) return 'reached and engaged: nurturing, scored on every event (R12, R14)';
      await apis.manager.call('POST', `/v1/leads/${leadId}/opportunity`, { status: 'won' });
      return 'reached, engaged, MQL, handed off, accepted, won: converted (R13–R15)';
    }
    case 'meeting-then-rejected': {
      await outcome('meeting_booked', 'demo booked for next week');
      await pause(500);
      await apis.manager.call('POST', `/v1/leads/${leadId}/handoff`, {
        decision: 'reject',
        reason: 'budget only next year',
      });
      return 'meeting booked: qualified, handoff rejected, back to nurture with the recycle count kept (R13, R15)';
    }
    case 'nurture':
      await outcome('reached', 'not ready yet');
      await events(['page_visit']);
      return 'reached, not ready: the R10 nurture cadence mails weekly (R10, R17)';
    case 'not-interested':
      await outcome('not_interested', 'has a supplier already');
      return 'said not interested: kept, checked on every 90 days (R4)';
    case 'junk': {
      await apis.manager.call('POST', `/v1/leads/${leadId}/flags`, { reason: 'test submission, not a real person' });
      await pause(500);
      await apis.admin.call('POST', `/v1/admin/leads/${leadId}/disqualify`);
      return 'flagged as junk and confirmed by an admin: disqualified, nothing sent any more (R5)';
    }
  }
}

async function main(): Promise<void> {
  const stack = readStack();
  const count = Number(process.env.DEMO_LEADS ?? 32);
  if (!Number.isInteger(count) || count < 1 || count > 500)
    throw new Error('DEMO_LEADS must be a whole number from 1 to 500');
  if (stack.timeScale === 1) {
    say(
      'the stack runs in real time: SLAs take 20 minutes and cadences weeks. For a compressed clock, restart it with `RIPEN_TIME_SCALE=720 npm start` (a day in two minutes).',
    );
  } else {
    say(
      `the stack's clock runs ${stack.timeScale}× faster for new leads (a day passes in ${Math.round((86_400 / stack.timeScale) * 10) / 10} s)`,
    );
  }
  const db = createDb(stack.databaseUrl);
  try {
    await setUpReps(db);
    const [capture, manager, admin] = await Promise.all([
      createApiKey(db, 'capture', { label: 'demo' }),
      createApiKey(db, 'manager', { label: 'demo' }),
      createApiKey(db, 'admin', { label: 'demo' }),
    ]);
    const repKeys = await Promise.all(
      REPS.map(async (rep) => [rep.id, await createApiKey(db, 'rep', { repId: rep.id, label: 'demo' })] as const),
    );
    const apis = {
      capture: new Api(stack.apiUrl, capture),
      manager: new Api(stack.apiUrl, manager),
      admin: new Api(stack.apiUrl, admin),
    };
    const run = Date.now().toString(36);

    say(`capturing ${count} leads from ${SOURCES.length} sources and playing engagement and rep outcomes…`);
    const leads: { leadId: string; email: string }[] = [];
    for (let i = 0; i < count; i++) {
      const [first, last, company, industry, companySize, title, country, city] = PEOPLE[i % PEOPLE.length]!;
      const scenario = SCENARIOS[i % SCENARIOS.length]!;
      const email = `${first}.${last}.${run}${i}@example.com`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '');
      // The lead left alone for an SLA breach gives no profile, so it does not qualify on fit alone.
      const profile = scenario === 'sla-breach' ? {} : { company, industry, companySize, title };
      const res = await apis.capture.call('POST', '/v1/leads', {
        email,
        firstName: first,
        lastName: last,
        ...profile,
        country,
        city,
        buyerStage: i % 5 === 0 ? 'evaluation' : 'information_search',
        message: 'We would like to know more.',
        consent: { marketing: true, basis: 'consent', text: 'Send me news and offers' },
        source: SOURCES[i % SOURCES.length],
      });
      const leadId = res.body.leadId as string;
      leads.push({ leadId, email });
      // At once, as a rep who answers within the speed-to-lead SLA would (R6).
      const story = await play(scenario, leadId, apis);
      console.log(`  ${leadId}  ${`${first} ${last}, ${city}`.padEnd(30)} ${story}`);
    }
    // A returning person re-engages their existing lead: the same address, a new source (R3).
    await apis.capture.call('POST', '/v1/leads', {
      email: leads[0]!.email,
      source: { channel: 'webinar', event: 'Autumn webinar' },
    });

    await pause(5_000);
    const stages = await db.query<{ stage: string; count: string }>(
      'SELECT stage, count(*) FROM leads WHERE id = ANY($1) GROUP BY stage ORDER BY count(*) DESC',
      [leads.map((l) => l.leadId)],
    );
    const [breaches] = await db.query<{ count: string }>(
      "SELECT count(*) FROM sent_emails WHERE lead_id = ANY($1) AND template = 'manager-sla_breach'",
      [leads.map((l) => l.leadId)],
    );
    say(
      `now: ${stages.map((s) => `${s.stage} ${s.count}`).join(', ')}; SLA breach notices ${breaches?.count ?? 0}. Timers go on: handoff reminders, nurture e-mails, re-engagement checks.`,
    );
    console.log(
      [
        '',
        `${leads.length} leads (the first captured twice). Watch them:`,
        stack.temporalUiUrl
          ? `  Temporal UI   ${stack.temporalUiUrl}/namespaces/default/workflows?query=${encodeURIComponent('LeadStage="qualified" OR Stalled=true')}`
          : '',
        stack.inboxUrl ? `  Mail inbox    ${stack.inboxUrl}` : '',
        `  A lead        curl -H 'authorization: Bearer ${manager}' ${stack.apiUrl}/v1/leads/${leads[0]!.leadId}`,
        `  Manager key   ${manager}`,
        ...repKeys.map(([repId, key]) => `  Rep key       ${repId.padEnd(14)} ${key}`),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
