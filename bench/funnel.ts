/**
 * Funnel and board queries on 100,000 leads (issue 6). Not a test: `npm run bench:funnel` creates a
 * database of its own, seeds it with a year of leads and their audit rows (stage changes, contacts,
 * SLA breaches, score changes, tasks), and writes bench/results/funnel.json with each query's median
 * time and its ratio to a baseline measured in the same run on the same data: a plain
 * `SELECT count(*) FROM leads`. The database is dropped at the end (BENCH_KEEP=1 keeps it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDb, migrate, type Db } from '../db';
import { boardPage } from '../db/board';
import { funnel, scoringReport, stalledLeads } from '../db/funnel';
import { dropDatabase, ensureDatabase, findPostgres } from '../scripts/postgres';
import { freePort } from '../scripts/processes';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const REPS = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const YEAR_START = '2025-01-01T00:00:00Z';

/**
 * A year of leads, deterministic (arithmetic on the row number, no random()). The path `p` (0–99)
 * decides how far a lead got: 30% not interested, 10% still contacting, 20% nurturing, 12% qualified,
 * 3% rejected back to nurture, 15% handed off, 10% converted.
 */
export async function seed(db: Db): Promise<void> {
  await db.withTransaction(async (tx) => {
    await tx.query(
      `INSERT INTO reps (id, name, email) SELECT 'rep-' || r, 'Rep ' || r, 'rep' || r || '@bench.ripen.test' FROM generate_series(1, ${REPS}) r`,
    );
    await tx.query(
      `CREATE TEMP TABLE plan ON COMMIT DROP AS
       SELECT i, gen_random_uuid() AS id,
              timestamptz '${YEAR_START}' + (i % 365) * interval '1 day' + ((i * 37) % 86400) * interval '1 second' AS t0,
              (i * 7919) % 100 AS p, (i * 104729) % 120 + 1 AS contact_min, (i * 31) % 100 AS score0, (i * 17) % 100 AS score1
         FROM generate_series(1::bigint, $1::bigint) i`,
      [LEADS],
    );
    await tx.query(
      `INSERT INTO leads (id, email, email_normalized, first_name, company, stage, assigned_rep_id, first_touch_at, first_source, last_touch_at,
                          score, grade, attempts, sla_deadline, stalled_since)
       SELECT id, 'lead' || i || '@bench.ripen.test', 'lead' || i || '@bench.ripen.test', 'Lead ' || i, 'Company ' || (i % 5000),
              CASE WHEN p < 30 THEN 'not_interested' WHEN p < 40 THEN 'contacting' WHEN p < 60 THEN 'nurturing' WHEN p < 72 THEN 'qualified'
                   WHEN p < 75 THEN 'nurturing' WHEN p < 90 THEN 'handed_off' ELSE 'converted' END,
              'rep-' || (i % ${REPS} + 1), t0,
              jsonb_build_object('channel', (ARRAY['web-form', 'newsletter', 'ebook', 'trade-show', 'import'])[i % 5 + 1]), t0,
              score1, CASE WHEN score1 >= 50 THEN 'hot' WHEN score1 >= 25 THEN 'warm' ELSE 'cold' END,
              i % 6, CASE WHEN p BETWEEN 30 AND 39 THEN t0 + interval '20 minutes' END,
              CASE WHEN p >= 60 AND p < 90 AND i % 10 = 0 THEN now() - (i % 30) * interval '1 day' END
         FROM plan`,
    );
    // Each stage move: (from, to, offset from the first touch, which paths take it).
    const moves: [string, string, string, string][] = [
      ['new', 'contacting', "interval '0'", 'TRUE'],
      ['contacting', 'not_interested', "interval '15 days'", 'p < 30'],
      ['contacting', 'nurturing', "interval '1 hour'", 'p >= 40'],
      ['nurturing', 'qualified', "interval '5 days'", 'p >= 60'],
      ['qualified', 'nurturing', "interval '8 days'", 'p >= 72 AND p < 75'],
      ['qualified', 'handed_off', "interval '7 days'", 'p >= 75'],
      ['handed_off', 'converted', "interval '20 days' + (i % 40) * interval '1 day'", 'p >= 90'],
    ];
    for (const [from, to, offset, when] of moves) {
      await tx.query(
        `INSERT INTO stage_changes (change_key, lead_id, from_stage, to_stage, reason, actor, at)
         SELECT id || '/${to}-from-${from}', id, '${from}', '${to}', 'bench', 'workflow', t0 + ${offset} FROM plan WHERE ${when}`,
      );
    }
    await tx.query(
      `INSERT INTO touches (lead_id, at, kind, channel, details) SELECT id, t0, 'capture', 'web-form', '{}' FROM plan`,
    );
    await tx.query(
      `INSERT INTO touches (lead_id, at, kind, channel, details) SELECT id, t0 + contact_min * interval '1 minute', 'outcome', 'phone', '{}' FROM plan WHERE p >= 30 OR i % 2 = 0`,
    );
    await tx.query(
      `INSERT INTO sent_emails (send_key, lead_id, message_id, template, to_address, subject, status, category)
       SELECT id || '/sla', id, '<' || id || '@bench.ripen.test>', 'manager-sla_breach', 'manager@bench.ripen.test', 'SLA breached', 'sent', 'internal'
         FROM plan WHERE contact_min > 20 AND i % 3 = 0`,
    );
    for (const [column, offset] of [
      ['score0', "interval '0'"],
      ['score1', "interval '2 days'"],
    ]) {
      await tx.query(
        `INSERT INTO score_changes (score_key, lead_id, at, model, score, grade, mql, breakdown, reason)
         SELECT id || '/${column}', id, t0 + ${offset}, 'bench', ${column}, CASE WHEN ${column} >= 50 THEN 'hot' WHEN ${column} >= 25 THEN 'warm' ELSE 'cold' END,
                ${column} >= 50, '[]', 'bench' FROM plan`,
      );
    }
    await tx.query(
      `INSERT INTO tasks (task_key, lead_id, rep_id, kind, title, due_at, created_at, done_at)
       SELECT id || '/call', id, 'rep-' || (i % ${REPS} + 1), 'call', 'call the lead', t0 + interval '1 day', t0, CASE WHEN p < 30 THEN t0 + interval '2 days' END FROM plan`,
    );
  });
  await db.query('ANALYZE');
}

/** Median and p90 of `RUNS` timed runs after one warm-up. */
async function time(run: () => Promise<unknown>): Promise<{ medianMs: number; p90Ms: number }> {
  await run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Number(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2));
  return { medianMs: at(0.5), p90Ms: at(0.9) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ripen-bench-funnel-'));
  const postgres = await findPostgres({
    databaseUrl: process.env.DATABASE_URL,
    embeddedDir: path.join(dir, 'pg'),
    embeddedPort: await freePort(),
  });
  const database = `ripen_bench_funnel_${Date.now()}`;
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  const db = createDb(databaseUrl, { max: 2 });
  try {
    await migrate(databaseUrl);
    const seedStarted = performance.now();
    await seed(db);
    const seedSeconds = Number(((performance.now() - seedStarted) / 1000).toFixed(1));
    const [counts] = await db.query(
      `SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM stage_changes)::int AS stage_changes,
              (SELECT count(*) FROM touches)::int AS touches, (SELECT count(*) FROM score_changes)::int AS score_changes`,
    );
    const year = { from: new Date(YEAR_START), to: new Date(Date.parse(YEAR_START) + 365 * 86_400_000) };
    const month = { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') };
    const baseline = await time(() => db.query('SELECT count(*) FROM leads'));
    const queries: Record<string, () => Promise<unknown>> = {
      'funnel: a year, every rep and source': () => funnel(db, year),
      'funnel: a month': () => funnel(db, month),
      'funnel: a year, one rep': () => funnel(db, { ...year, repId: 'rep-7' }),
      'funnel: a year, one source': () => funnel(db, { ...year, source: 'ebook' }),
      'scoring: a year, by grade and band': () => scoringReport(db, year),
      'board: one rep, first page of 50': () => boardPage(db, { repId: 'rep-7' }, { limit: 50 }),
      'board: everyone (a manager), first page of 50': () => boardPage(db, {}, { limit: 50 }),
      'board: one rep, hot qualified': () =>
        boardPage(db, { repId: 'rep-7', stages: ['qualified'], grade: 'hot' }, { limit: 50 }),
      'stalled: everyone, 100 longest': () => stalledLeads(db, { limit: 100 }),
    };
    const results: Record<string, { medianMs: number; p90Ms: number; ratioToBaseline: number }> = {};
    for (const [name, run] of Object.entries(queries)) {
      const t = await time(run);
      results[name] = { ...t, ratioToBaseline: Number((t.medianMs / baseline.medianMs).toFixed(2)) };
      console.log(`${name}: ${t.medianMs} ms (×${results[name]!.ratioToBaseline} the baseline)`);
    }
    const result = {
      benchmark: 'funnel',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { leads: LEADS, reps: REPS, runs: RUNS, postgres: postgres.kind },
      rows: counts,
      seedSeconds,
      baseline: { query: 'SELECT count(*) FROM leads', ...baseline },
      queries: results,
    };
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(path.join(__dirname, 'results', 'funnel.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.close();
    // BENCH_KEEP=1 leaves the seeded database for EXPLAIN ANALYZE (and a local PostgreSQL to drop it from).
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${databaseUrl}`);
    else await dropDatabase(postgres.adminUrl, database);
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as `npm run bench:funnel`; bench/whatif.ts imports the seeding.
if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
