/**
 * A burst (issue: bursts drained at the provider's rate): 5,000 captures as fast as the API takes
 * them, with EMAILS_PER_SECOND=50 and reps, so each lead also brings a notice to its rep. Figures:
 * how long after the last capture the last first touch left (goal: within leads / rate × 1.2 + 10 s;
 * the baseline is the provider's own floor, leads / rate), and how many notices or marketing e-mails
 * took one of the provider's send slots while a first touch waited (goal: 0; notices go through
 * `<queue>-notices`, outside the rate). `npm run bench:burst` writes bench/results/burst.json.
 */
import { leadWorkflowId } from '../workflows/contracts';
import {
  closedLoop,
  cpuMeter,
  isNotice,
  jsonPoster,
  leadAddress,
  leadBody,
  machine,
  main,
  stackProcesses,
  startBenchStack,
  waitFor,
  welcomeBreakdown,
  writeResult,
} from './harness';

const LEADS = Number(process.env.BENCH_LEADS ?? 5_000);
const RATE = 50;
const CONCURRENCY = 32;
const SAMPLE = 25;

main(async () => {
  const loadBefore = machine().loadavg;
  const stack = await startBenchStack({ emailsPerSecond: RATE, reps: 4 });
  const http = jsonPoster(CONCURRENCY);
  try {
    const api = await stack.startApi();
    const worker = await stack.startWorker();
    const meter = cpuMeter(stackProcesses(stack, api.child, worker));
    const wanted = new Set(Array.from({ length: LEADS }, (_, i) => leadAddress(stack.run, i)));
    const leadIds: string[] = [];
    let errors = 0;
    const started = performance.now();
    await closedLoop(LEADS, CONCURRENCY, async (i) => {
      const res = await http
        .post(`${api.url}/v1/leads`, stack.captureKey, leadBody(stack.run, i))
        .catch(() => ({ status: 0, body: '' }));
      if (res.status === 201) leadIds.push((JSON.parse(res.body) as { leadId: string }).leadId);
      else errors++;
    });
    const lastCapture = performance.now();
    const firstTouches = () => stack.sink.mails.filter((m) => m.to.some((t) => wanted.has(t)));
    await waitFor('every first touch', () => firstTouches().length >= LEADS - errors, 3_600_000);
    const lastFirstTouch = Math.max(...firstTouches().map((m) => m.at));
    const cpu = meter(LEADS);
    const breakdown = await welcomeBreakdown(stack.client, leadIds.filter((_, i) => i % 20 === 0).map(leadWorkflowId));
    // What shared the provider's rate with the first touches: anything on `<queue>-email` that is not a welcome,
    // read from a sample of histories (the sink cannot see queues), and e-mails to leads that are not their first.
    const emailQueue = `${stack.taskQueue}-email`;
    let sampledNoticesOnEmailQueue = 0;
    for (const leadId of leadIds.slice(-SAMPLE)) {
      const history = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).fetchHistory();
      for (const e of history.events ?? []) {
        const a = e.activityTaskScheduledEventAttributes;
        if (a && a.taskQueue?.name === emailQueue && a.activityType?.name !== 'welcomeLead')
          sampledNoticesOnEmailQueue++;
      }
    }
    const perLead = new Map<string, number>();
    for (const m of firstTouches().filter((m) => m.at <= lastFirstTouch))
      for (const t of m.to) perLead.set(t, (perLead.get(t) ?? 0) + 1);
    const marketingAhead = [...perLead.values()].reduce((n, c) => n + (c - 1), 0);
    const loadAfter = machine().loadavg;
    const drainSeconds = Number(((lastFirstTouch - lastCapture) / 1000).toFixed(1));
    const boundSeconds = Number(((LEADS / RATE) * 1.2 + 10).toFixed(1));
    writeResult('burst', {
      benchmark: 'burst',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore, loadavgAfter: loadAfter },
      settings: { leads: LEADS, emailsPerSecond: RATE, concurrency: CONCURRENCY, reps: 4, apis: 1, workers: 1 },
      leads: LEADS,
      captureSeconds: Number(((lastCapture - started) / 1000).toFixed(1)),
      captureErrors: errors,
      drainSeconds,
      boundSeconds,
      met: drainSeconds <= boundSeconds && sampledNoticesOnEmailQueue + marketingAhead === 0,
      baseline: { what: 'the provider rate alone: leads / EMAILS_PER_SECOND', seconds: LEADS / RATE },
      ratio: Number((drainSeconds / (LEADS / RATE)).toFixed(2)),
      limits: {
        what: 'CPU per lead and the share of a core each process got (capture to drained), and capture → first touch in parts from every 20th history',
        cpu,
        breakdown,
      },
      noticesAheadOfFirstTouch: sampledNoticesOnEmailQueue + marketingAhead,
      noticesAheadDetail: {
        noticesOnTheRateLimitedQueueInSample: sampledNoticesOnEmailQueue,
        sampledLeads: Math.min(SAMPLE, leadIds.length),
        otherEmailsToLeadsBeforeTheLastFirstTouch: marketingAhead,
        noticesDeliveredBeforeTheLastFirstTouch: stack.sink.mails.filter((m) => isNotice(m) && m.at <= lastFirstTouch)
          .length,
      },
    });
  } finally {
    http.close();
    await stack.stop();
  }
});
