/**
 * Scale-out, the local rehearsal of a Temporal cluster: two API processes and two worker processes
 * (`api/server.ts`, `worker/main.ts`, as `npm run api` and `npm run worker` start them) on one dev
 * server and one database, against one of each in the same run: capture and first-touch throughput,
 * and their ratio (on two cores expect the coordination cost, not a speed-up). Halfway through the
 * two-and-two load one worker is SIGKILLed: every lead must still get its first touch (emails lost),
 * each once (duplicate Message-IDs), and its SLA timer must fire (timers lost, on a sample), on a
 * compressed clock. `npm run bench:scale-out` writes bench/results/scale-out.json.
 */
import type { ChildProcess } from 'node:child_process';
import { leadWorkflowId } from '../workflows/contracts';
import {
  closedLoop,
  jsonPoster,
  leadAddress,
  leadBody,
  machine,
  main,
  startBenchStack,
  stopChild,
  timerLags,
  waitFor,
  writeResult,
} from './harness';

const LEADS = Number(process.env.BENCH_LEADS ?? 500);
const CONCURRENCY = 32;
const SAMPLE = 100;

main(async () => {
  const loadBefore = machine().loadavg;
  // 20 minutes of SLA in 20 seconds; a high provider rate, so the rate is not what is measured.
  const stack = await startBenchStack({ emailsPerSecond: 1000, reps: 4, timeScale: 60 });
  const http = jsonPoster(CONCURRENCY);
  try {
    let offset = 0;
    const phase = async (apiUrls: string[], onHalf?: () => void) => {
      const first = offset;
      offset += LEADS;
      const wanted = new Set(Array.from({ length: LEADS }, (_, i) => leadAddress(stack.run, first + i)));
      const leadIds: string[] = [];
      let errors = 0;
      const failures: Record<string, number> = {};
      let retried = 0;
      const started = performance.now();
      await closedLoop(LEADS, CONCURRENCY, async (i) => {
        if (i === Math.floor(LEADS / 2)) onHalf?.();
        // As a form backend would (docs/api.md): a 503 or no answer stored nothing, so the capture is sent again, a
        // few times; a lead is lost only if it never gets a 201, or a 202 (stored; the sweep confirms its run). A 200
        // would say a failed attempt stored it.
        const url = `${apiUrls[i % apiUrls.length]}/v1/leads`;
        const body = leadBody(stack.run, first + i);
        let res: { status: number; body: string } = { status: 0, body: '' };
        for (let attempt = 0; attempt < 5; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
          res = await http.post(url, stack.captureKey, body).catch((err: Error) => ({ status: 0, body: err.message }));
          if (res.status !== 503 && res.status !== 0) break;
          retried++;
          console.error(`capture ${first + i} answered ${res.status || 'nothing'}: ${res.body}`);
        }
        if (res.status === 201 || res.status === 202)
          return void leadIds.push((JSON.parse(res.body) as { leadId: string }).leadId);
        errors++;
        failures[res.status || 'no answer'] = (failures[res.status || 'no answer'] ?? 0) + 1;
        if (res.status !== 503 && res.status !== 0)
          console.error(`capture ${first + i} answered ${res.status}: ${res.body}`);
      });
      const captured = performance.now();
      const firstTouches = () => stack.sink.mails.filter((m) => m.to.some((t) => wanted.has(t)));
      const touched = () => new Set(firstTouches().flatMap((m) => m.to)).size;
      // An attempt lost with a killed worker is retried after its 30-second start-to-close timeout.
      await waitFor('every first touch', () => touched() >= leadIds.length, 600_000).catch(() => undefined);
      const lastTouch = Math.max(...firstTouches().map((m) => m.at));
      return {
        leadIds,
        errors,
        failures,
        retried,
        capturePerSecond: Number((leadIds.length / ((captured - started) / 1000)).toFixed(1)),
        firstTouchesPerSecond: Number((touched() / ((lastTouch - started) / 1000)).toFixed(1)),
        leadsWithoutFirstTouch: leadIds.length - touched(),
      };
    };

    const one = await stack.startApi();
    await stack.startWorker();
    await phase([one.url]); // warm-up of the shared server and database
    const single = await phase([one.url]);
    const two = await stack.startApi();
    const secondWorker: ChildProcess = await stack.startWorker();
    let killedAt: string | undefined;
    const pair = await phase([one.url, two.url], () => {
      killedAt = new Date().toISOString();
      secondWorker.kill('SIGKILL');
    });
    await stopChild(secondWorker);
    const messageIds = new Map<string, number>();
    for (const m of stack.sink.mails)
      if (m.messageId) messageIds.set(m.messageId, (messageIds.get(m.messageId) ?? 0) + 1);
    const duplicateMessageIds = [...messageIds.values()].filter((n) => n > 1).length;
    const step = Math.max(1, Math.floor(pair.leadIds.length / SAMPLE));
    const sample = pair.leadIds.filter((_, i) => i % step === 0).map(leadWorkflowId);
    // Every sampled lead's SLA timer (20 s on this clock) has fired and been handled; what has not after 5 minutes is lost.
    await waitFor(
      'the sampled SLA timers',
      async () => (await timerLags(stack.client, sample)).withFiredTimer === sample.length,
      300_000,
    ).catch(() => undefined);
    const timers = await timerLags(stack.client, sample);
    writeResult('scale-out', {
      benchmark: 'scale-out',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore },
      settings: { leadsPerPhase: LEADS, concurrency: CONCURRENCY, emailsPerSecond: 1000, timeScale: 60 },
      baseline: { what: 'one API process and one worker process', ...single, leadIds: undefined },
      twoAndTwo: {
        what: 'two API processes and two worker processes, one worker SIGKILLed halfway',
        killedAt,
        ...pair,
        leadIds: undefined,
      },
      ratio: Number((pair.firstTouchesPerSecond / single.firstTouchesPerSecond).toFixed(2)),
      captureRatio: Number((pair.capturePerSecond / single.capturePerSecond).toFixed(2)),
      leadsLost: pair.errors,
      emailsLost: pair.leadsWithoutFirstTouch,
      duplicateMessageIds,
      timersLost: timers.sampled - timers.withFiredTimer,
      timers,
    });
  } finally {
    http.close();
    await stack.stop();
  }
});
