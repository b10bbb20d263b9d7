/**
 * Rep updates under load: outcomes at 20 a second through `POST /v1/leads/:id/outcomes` over 1,000
 * live leads; the figure is the answer's p99 (goal < 300 ms). Baseline in the same run: the same
 * update sent straight to the workflow with the Temporal client (`executeUpdate`), at the same rate
 * on other leads of the same run. `npm run bench:updates` writes bench/results/updates.json.
 */
import { randomUUID } from 'node:crypto';
import { leadWorkflowId, reportOutcomeUpdate } from '../workflows/contracts';
import {
  closedLoop,
  cpuMeter,
  isNotice,
  jsonPoster,
  leadAddress,
  leadBody,
  machine,
  main,
  openLoop,
  percentile,
  stackProcesses,
  startBenchStack,
  waitFor,
  writeResult,
} from './harness';

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000);
const RATE = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 25);

main(async () => {
  const loadBefore = machine().loadavg;
  const stack = await startBenchStack({ emailsPerSecond: 200, reps: 4 });
  const http = jsonPoster(64);
  try {
    const api = await stack.startApi();
    const worker = await stack.startWorker();
    const leadIds: string[] = [];
    await closedLoop(LEADS, 16, async (i) => {
      const res = await http.post(`${api.url}/v1/leads`, stack.captureKey, leadBody(stack.run, i));
      if (res.status !== 201) throw new Error(`capture answered ${res.status}: ${res.body}`);
      leadIds[i] = (JSON.parse(res.body) as { leadId: string }).leadId;
    });
    // Live and settled: every lead has had its first touch.
    const wanted = new Set(Array.from({ length: LEADS }, (_, i) => leadAddress(stack.run, i)));
    await waitFor(
      'every first touch',
      () => stack.sink.mails.filter((m) => m.to.some((t) => wanted.has(t))).length >= LEADS,
      1_800_000,
    );
    const summarize = (xs: number[], failed: number) => {
      const s = xs.sort((a, b) => a - b);
      return {
        count: s.length,
        failed,
        p50Ms: percentile(s, 0.5),
        p99Ms: percentile(s, 0.99),
        maxMs: percentile(s, 1),
      };
    };
    // Settled: every lead's notice to its rep has gone too, so neither phase runs beside the captures' last effects.
    await waitFor('every rep notice', () => stack.sink.mails.filter(isNotice).length >= LEADS, 1_800_000);
    await new Promise((r) => setTimeout(r, 5_000));
    const outcomesStored = async () =>
      Number(
        (
          await stack.db.query<{ n: string }>(
            "SELECT count(*) AS n FROM touches WHERE kind = 'outcome' AND lead_id = ANY($1)",
            [leadIds],
          )
        )[0]!.n,
      );
    const loadAtStart = machine().loadavg;
    const processes = stackProcesses(stack, api.child, worker);
    const apiMeter = cpuMeter(processes);
    const count = RATE * SECONDS;
    const apiMs: number[] = [];
    let apiFailed = 0;
    // A late answer is a 202 with the request id (the update arrived, its answer did not within the deadline).
    const statuses: Record<number, number> = {};
    await openLoop(RATE, SECONDS, async (i) => {
      const t0 = performance.now();
      const res = await http.post(
        `${api.url}/v1/leads/${leadIds[i % LEADS]}/outcomes`,
        stack.managerKey,
        { outcome: 'no_answer' },
        { 'idempotency-key': randomUUID() },
      );
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) apiMs.push(performance.now() - t0);
      else apiFailed++;
    });
    // The outcomes' own effects (touch, score, board) land before the baseline runs, so it does not run beside them.
    await waitFor('the outcomes stored', async () => (await outcomesStored()) >= apiMs.length, 600_000);
    const apiCpu = apiMeter(count);
    await new Promise((r) => setTimeout(r, 5_000));
    const bareMeter = cpuMeter(processes);
    const bareMs: number[] = [];
    let bareFailed = 0;
    await openLoop(RATE, SECONDS, async (i) => {
      const t0 = performance.now();
      try {
        await stack.client.workflow
          .getHandle(leadWorkflowId(leadIds[(count + i) % LEADS]!))
          .executeUpdate(reportOutcomeUpdate, {
            args: [{ requestId: randomUUID(), outcome: 'no_answer', actor: { role: 'manager' } }],
          });
        bareMs.push(performance.now() - t0);
      } catch {
        bareFailed++;
      }
    });
    await waitFor('the outcomes stored', async () => (await outcomesStored()) >= apiMs.length + bareMs.length, 600_000);
    const bareCpu = bareMeter(count);
    const apiSummary = summarize(apiMs, apiFailed);
    const bare = summarize(bareMs, bareFailed);
    writeResult('updates', {
      benchmark: 'updates',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore, loadavgAtStart: loadAtStart },
      settings: { leads: LEADS, perSecond: RATE, seconds: SECONDS, outcome: 'no_answer', apis: 1, workers: 1 },
      p99Ms: apiSummary.p99Ms,
      goal: { p99Ms: 300 },
      met: apiSummary.p99Ms < 300,
      api: { ...apiSummary, statuses },
      baseline: { what: 'the same update through the Temporal client, no API', ...bare },
      ratio: Number((apiSummary.p99Ms / bare.p99Ms).toFixed(2)),
      limits: {
        what: 'CPU per update and the share of a core each process got, from the first request until its effects were stored',
        api: apiCpu,
        baseline: bareCpu,
      },
    });
  } finally {
    http.close();
    await stack.stop();
  }
});
