/**
 * What-if scoring on the funnel benchmark's 100,000 leads (issue 15, N5). Not a test:
 * `npm run bench:whatif` creates a database of its own, seeds it as bench/funnel.ts does (a year of
 * leads, their captures and outcomes) plus engagement (three to five actions a lead, deterministic),
 * and times `loadHistories` + `compareModels` (icp-2026@1 against icp-2026-decay@1) over the year.
 * Goal: under 30 s. Baseline, in the same run on the same data: the scoring report's SQL over the
 * same year (`scoringReport`). Writes bench/results/whatif.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDb, migrate } from '../db';
import { scoringReport } from '../db/funnel';
import { loadHistories } from '../db/whatif';
import { DECAYING_MODEL, DEFAULT_MODEL } from '../domain/scoring';
import { compareModels } from '../domain/whatif';
import { dropDatabase, ensureDatabase, findPostgres } from '../scripts/postgres';
import { freePort } from '../scripts/processes';
import { seed } from './funnel';

const GOAL_SECONDS = 30;
const YEAR = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ripen-bench-whatif-'));
  const postgres = await findPostgres({
    databaseUrl: process.env.DATABASE_URL,
    embeddedDir: path.join(dir, 'pg'),
    embeddedPort: await freePort(),
  });
  const database = `ripen_bench_whatif_${Date.now()}`;
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  const db = createDb(databaseUrl, { max: 2 });
  try {
    await migrate(databaseUrl);
    await seed(db);
    // Engagement: 3–5 actions a lead within its first weeks, some opens of one e-mail repeated.
    await db.query(
      `INSERT INTO touches (lead_id, at, kind, channel, details)
       SELECT l.id, l.first_touch_at + (k * ((abs(hashtext(l.id::text)) % 20) + 1)) * interval '1 day', 'engagement', 'web',
              jsonb_build_object('event', (ARRAY['email_open', 'email_click', 'page_visit', 'pricing_page_visit', 'download', 'form_submit', 'meeting'])[(abs(hashtext(l.id::text || k)) % 7) + 1],
                                 'emailRef', 'bench-' || (abs(hashtext(l.id::text)) % 1000))
         FROM leads l, generate_series(1, 3 + abs(hashtext(l.id::text)) % 3) k`,
    );
    await db.query('ANALYZE');
    const [counts] = await db.query<{ leads: number; touches: number }>(
      'SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM touches)::int AS touches',
    );
    const b0 = performance.now();
    await scoringReport(db, YEAR);
    const baselineMs = performance.now() - b0;

    const t0 = performance.now();
    const histories = await loadHistories(db, YEAR);
    const loadedMs = performance.now() - t0;
    const whatIf = compareModels(DEFAULT_MODEL, DECAYING_MODEL, histories, YEAR.to.toISOString());
    const totalMs = performance.now() - t0;
    const seconds = Number((totalMs / 1000).toFixed(2));
    const result = {
      benchmark: 'whatif',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryBytes: totalmem(), node: process.version },
      settings: { current: 'icp-2026@1', candidate: 'icp-2026-decay@1', cohort: YEAR, postgres: postgres.kind },
      rows: counts,
      figure: { seconds, loadSeconds: Number((loadedMs / 1000).toFixed(2)), goalSeconds: GOAL_SECONDS },
      met: seconds < GOAL_SECONDS,
      baseline: {
        what: 'scoringReport over the same year (SQL only)',
        seconds: Number((baselineMs / 1000).toFixed(2)),
      },
      ratioToBaseline: Number((totalMs / baselineMs).toFixed(2)),
      summary: {
        leads: whatIf.leads,
        leadsWhoseGradeChanges: whatIf.leadsWhoseGradeChanges,
        mqlsGained: whatIf.mqlsGained,
        mqlsLost: whatIf.mqlsLost,
      },
    };
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(path.join(__dirname, 'results', 'whatif.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.close();
    await dropDatabase(postgres.adminUrl, database);
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
