/**
 * Live leads at scale (issue: 100,000 live leads in bounded memory). Not in CI: it takes long.
 * Leads are captured through the API (one API, one worker process) and then sleep on their timers;
 * figures: the worker process's RSS (now and peak) against the documented bound of its sticky cache
 * (WORKER_MEMORY_BUDGET_MB, goal < 1.5 GiB), the Temporal store's bytes per lead (the dev server's
 * SQLite file), and the lag of a timer wave. Baseline in the same run: the worker's RSS at rest before
 * the first capture.
 *
 * The wave: an SLA runs from the request (R6), so leads captured within a minute have their SLA timers due
 * within a minute. The first `BENCH_WAVE` leads (default 10,000) are captured while the worker is down (as
 * in an outage or a deploy: on two cores, capture and welcome would share the CPU and spread the wave),
 * then the worker starts and welcomes them; their 20-minute SLAs come due together, and a sample of
 * histories tells how late each timer was handled. The clock is not compressed: each timer must be set
 * (its lead welcomed) before it comes due, and welcoming 10,000 leads takes two cores 10 to 20 minutes.
 * The rest of the leads are captured after the wave, with the worker running. `BENCH_LEADS` sets the
 * count (default 100,000). `npm run bench:scale` writes bench/results/scale.json.
 */
import { workflowCacheSize } from '../worker';
import { leadWorkflowId } from '../workflows/contracts';
import {
  allocatorOf,
  closedLoop,
  jsonPoster,
  leadAddress,
  leadBody,
  machine,
  main,
  peakRssBytes,
  rssBytes,
  rssTrend,
  sqliteBytes,
  startBenchStack,
  stopChild,
  timerLags,
  waitFor,
  writeResult,
} from './harness';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const WAVE = Math.min(LEADS, Number(process.env.BENCH_WAVE ?? 10_000));
const BUDGET_MB = Number(process.env.WORKER_MEMORY_BUDGET_MB ?? 1024);
/** 1: the wave's timers must be set before they come due; a short check run may compress the clock (`BENCH_TIME_SCALE`). */
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 1);
const SLA_MS = (20 * 60_000) / TIME_SCALE;
const SAMPLE = 200;

main(async () => {
  const loadBefore = machine().loadavg;
  const stack = await startBenchStack({ emailsPerSecond: 1000, reps: 8, timeScale: TIME_SCALE, temporalDbFile: true });
  const http = jsonPoster(32);
  const workerEnv = { WORKER_MEMORY_BUDGET_MB: String(BUDGET_MB) };
  try {
    const api = await stack.startApi();
    const resting = await stack.startWorker(workerEnv);
    await new Promise((r) => setTimeout(r, 5_000));
    const restRss = rssBytes(resting.pid!);
    await stopChild(resting);
    const storeBefore = sqliteBytes(stack.temporalDbFile!);
    const leadIds: string[] = [];
    let errors = 0;
    const captureFrom = async (from: number, to: number) => {
      const started = performance.now();
      await closedLoop(to - from, 32, async (i) => {
        const res = await http
          .post(`${api.url}/v1/leads`, stack.captureKey, leadBody(stack.run, from + i))
          .catch(() => null);
        if (res?.status === 201) leadIds.push((JSON.parse(res.body) as { leadId: string }).leadId);
        else errors++;
        if ((from + i) % 5000 === 0) console.error(`${from + i} captured`);
      });
      return (performance.now() - started) / 1000;
    };
    const started = performance.now();
    // The wave: captured with the worker down, then welcomed; their SLA timers come due within a minute.
    const waveCaptureSeconds = await captureFrom(0, WAVE);
    const waveCapturedAt = Date.now();
    const waveStarted = performance.now();
    const waveIds = [...leadIds];
    const worker = await stack.startWorker(workerEnv);
    const wanted = new Set(Array.from({ length: LEADS }, (_, i) => leadAddress(stack.run, i)));
    const welcomed = () => stack.sink.mails.filter((m) => m.to.some((t) => wanted.has(t))).length;
    // The worker's RSS as the welcomed leads grow: whether it levels off (a bound) or keeps growing with the leads.
    const trend = rssTrend(worker.pid!, LEADS);
    const untilWelcomed = (count: number) =>
      waitFor(
        'every first touch',
        () => {
          const n = welcomed();
          trend.sample(n);
          return n >= count;
        },
        7_200_000,
      );
    await untilWelcomed(waveIds.length);
    const waveWelcomedPerSecond = waveIds.length / ((performance.now() - waveStarted) / 1000);
    // Every wave lead's manager hears of its SLA: breached at its deadline, or missed before its rep was told.
    const managerNotices = (about: RegExp) =>
      stack.sink.mails.filter((m) => m.to.includes('manager@reps.bench.test') && about.test(m.subject ?? '')).length;
    await waitFor(
      'the SLA wave',
      () => managerNotices(/^SLA (breached|missed before)/) >= waveIds.length,
      Math.max(0, waveCapturedAt + SLA_MS - Date.now()) + 1_800_000,
    );
    const waveStep = Math.max(1, Math.floor(waveIds.length / SAMPLE));
    const wave = await timerLags(stack.client, waveIds.filter((_, i) => i % waveStep === 0).map(leadWorkflowId));
    const missedBeforeWelcome = managerNotices(/^SLA missed before/);

    // The rest, captured with the worker running.
    const restStarted = performance.now();
    const restCaptureSeconds = await captureFrom(WAVE, LEADS);
    await untilWelcomed(leadIds.length);
    const rest = leadIds.length - waveIds.length;
    const restWelcomedPerSecond = rest / ((performance.now() - restStarted) / 1000);
    const settledPerSecond = rest > 0 ? restWelcomedPerSecond : waveWelcomedPerSecond;
    const totalSeconds = (performance.now() - started) / 1000;
    // Sleeping: let the worker settle.
    await new Promise((r) => setTimeout(r, 60_000));
    const workerRssBytes = rssBytes(worker.pid!);
    const workerPeakRssBytes = peakRssBytes(worker.pid!);
    const restMissedBeforeWelcome = managerNotices(/^SLA missed before/) - missedBeforeWelcome;
    const storeBytes = sqliteBytes(stack.temporalDbFile!) - storeBefore;
    const limit = 1.5 * 2 ** 30;
    const growth = trend.growth(workerRssBytes);
    writeResult('scale', {
      benchmark: 'scale',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore },
      settings: {
        leads: LEADS,
        fullSize:
          LEADS >= 100_000
            ? true
            : `reduced from 100,000 to ${LEADS}: at the ${settledPerSecond.toFixed(1)} leads/s this machine welcomed ` +
              `(capture to first touch, CPU-bound: bench/results/cost.json), 100,000 take ` +
              `${(100_000 / settledPerSecond / 3600).toFixed(1)} h`,
        workerMemoryBudgetMb: BUDGET_MB,
        maxCachedWorkflows: workflowCacheSize(BUDGET_MB),
        workerAllocator: allocatorOf(worker.pid!),
        wave: WAVE,
        timeScale: TIME_SCALE,
        emailsPerSecond: 1000,
      },
      leads: leadIds.length,
      captureErrors: errors,
      totalSeconds: Math.round(totalSeconds),
      capturePerSecond: {
        what: 'the wave captured with the worker down; the rest with it running (sharing the two cores)',
        wave: Number((WAVE / waveCaptureSeconds).toFixed(1)),
        rest: rest > 0 ? Number((rest / restCaptureSeconds).toFixed(1)) : null,
      },
      welcomedPerSecond: {
        what:
          "capture to every lead's first touch: the wave from the worker's start, the rest from their first capture; " +
          'restMissedBeforeWelcome: leads of the rest welcomed only after their SLA had run out (captures ran ahead)',
        wave: Number(waveWelcomedPerSecond.toFixed(1)),
        rest: rest > 0 ? Number(restWelcomedPerSecond.toFixed(1)) : null,
        restMissedBeforeWelcome,
      },
      workerRssBytes,
      workerPeakRssBytes,
      goal: { workerRssBytes: limit },
      met: workerPeakRssBytes < limit,
      baseline: { what: 'the worker process at rest before the first capture', workerRssBytes: restRss },
      ratio: Number((workerRssBytes / restRss).toFixed(2)),
      rssTrend: {
        what:
          "the worker's RSS at each tenth of the leads welcomed (under load); its growth per lead from 30 % on, and " +
          'the settled RSS that would give at 100,000 leads',
        samples: trend.samples.map((p) => ({ welcomed: p.count, rssMiB: p.rssMiB })),
        bytesPerLeadFrom30Percent: growth.bytesPerItem,
        rssAt100kMiB: growth.rssAt100kMiB,
      },
      storeBytesPerLead: Math.round(storeBytes / Math.max(1, leadIds.length)),
      timerWaveMaxLagMs: wave.maxMs,
      timerWave: {
        what:
          `the first ${WAVE} leads' SLA timers (20 minutes${TIME_SCALE === 1 ? '' : ` at ×${TIME_SCALE}`} from each request, R6), due together because the leads were ` +
          'captured together; lag = the first workflow task completed after the timer fired, against its due time, on a ' +
          `sample of 1 lead in ${waveStep}, read once every wave lead's manager had heard of its SLA; dueSpanSeconds: first ` +
          'to last due time of the sampled timers; mostDueInOneMinute: the densest minute of the sample, and ' +
          'estimatedMostDueInOneMinute that times the sampling step; missedBeforeWelcome: wave leads the worker welcomed ' +
          'only after their SLA had run out (no timer: the manager is told at once)',
        ...wave,
        estimatedMostDueInOneMinute: wave.mostDueInOneMinute * waveStep,
        missedBeforeWelcome,
      },
    });
  } finally {
    http.close();
    await stack.stop();
  }
});
