/**
 * What one new lead costs the machine, per process: the CPU the API, the worker (per thread: its main
 * thread, its workflow thread, the SDK core's threads, V8's helpers), the Temporal dev server and
 * PostgreSQL use for each lead captured at a rate they all keep up with, the database's transactions and
 * rows, and the history a lead leaves (events, workflow tasks, activities). Multiplied by a lead rate,
 * it is the CPU that rate needs, against the cores the machine has: the limit of speed-to-lead, burst and
 * updates, measured. Baseline in the same run: the same processes over the same time with no leads.
 * Where `perf` is installed, a further phase at the same rate samples the Temporal server (bench/go-profile.ts):
 * where its half of a lead's CPU goes. `BENCH_PROFILE=1` also runs the worker under `--cpu-prof` and adds where
 * its JS threads spend their time.
 * `npm run bench:cost` writes bench/results/cost.json.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { leadWorkflowId } from '../workflows/contracts';
import {
  cpuMeter,
  jsonPoster,
  leadAddress,
  leadBody,
  machine,
  main,
  openLoop,
  procStat,
  profileSummary,
  stackProcesses,
  startBenchStack,
  stopChild,
  waitFor,
  writeResult,
} from './harness';
import { goProfile, perfAvailable, startPerf } from './go-profile';

const RATE = Number(process.env.BENCH_RATE ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 40);
const PROFILE = process.env.BENCH_PROFILE === '1';
const PERF_SECONDS = 20;
/**
 * The parts of the Temporal dev server the profile names (a sample counts for each part any frame of its stack
 * is in; they overlap: the visibility writes go through SQLite, every call through gRPC).
 */
const TEMPORAL_PARTS: Record<string, RegExp> = {
  sqlite: /^modernc\.org\/sqlite|^database\/sql\./,
  sqlitePreparingStatements: /sqlite3LockAndPrepare|sqlite3Prepare/,
  visibility: /visibilityQueueTaskExecutor|persistence\/visibility/,
  grpc: /^google\.golang\.org\/grpc/,
  protobuf: /^google\.golang\.org\/protobuf|\)\.(Marshal|Unmarshal|Size)$/,
  goGarbageCollector: /^runtime\.(gcBgMarkWorker|gcAssistAlloc|bgsweep|bgscavenge|gcDrain)/,
  goScheduler: /^runtime\.(schedule|findRunnable|mcall|park_m|goschedImpl|usleep|futexsleep|notesleep)$/,
};

/** The lead rates the result prices (the speed-to-lead goal's, and the burst's provider rate). */
const PRICED_RATES = [20, 50];

/** CPU seconds of each thread of a process, by thread id (Linux /proc). */
function threadCpu(pid: number): Map<string, { name: string; seconds: number }> {
  const out = new Map<string, { name: string; seconds: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, cpuSeconds } = procStat(`/proc/${pid}/task/${tid}/stat`);
      out.set(tid, { name, seconds: cpuSeconds });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

main(async () => {
  const loadBefore = machine().loadavg;
  const stack = await startBenchStack({ emailsPerSecond: RATE * 4, reps: 4 });
  const http = jsonPoster(64);
  const profDir = mkdtempSync(path.join(tmpdir(), 'ripen-cost-'));
  try {
    const api = await stack.startApi();
    const worker = await stack.startWorker({}, PROFILE ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []);
    const processes = stackProcesses(stack, api.child, worker);
    let captured = 0;
    const leadIds: string[] = [];
    const phase = async (rate: number, seconds: number) => {
      const first = captured;
      captured += Math.round(rate * seconds);
      await openLoop(rate, seconds, async (i) => {
        const res = await http.post(`${api.url}/v1/leads`, stack.captureKey, leadBody(stack.run, first + i));
        if (res.status !== 201) throw new Error(`capture answered ${res.status}: ${res.body}`);
        leadIds.push((JSON.parse(res.body) as { leadId: string }).leadId);
      });
      const wanted = new Set(Array.from({ length: captured - first }, (_, i) => leadAddress(stack.run, first + i)));
      await waitFor(
        'every first touch',
        () => stack.sink.mails.filter((m) => m.to.some((t) => wanted.has(t))).length >= wanted.size,
        600_000,
      );
      // What follows a first touch (the rep's notice, the stage and board writes, the score) settles.
      await new Promise((r) => setTimeout(r, 5000));
    };
    await phase(2, 10); // warm-up: connections, JIT, the worker's bundle

    const idleSeconds = 15;
    const idle = cpuMeter(processes);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const baseline = idle(1);

    const dbStats = async () =>
      (
        await stack.db.query<Record<string, string>>(
          'SELECT xact_commit, tup_inserted, tup_updated, tup_returned FROM pg_stat_database WHERE datname = current_database()',
        )
      )[0]!;
    const db0 = await dbStats();
    const threads0 = threadCpu(worker.pid!);
    const meter = cpuMeter(processes);
    const t0 = performance.now();
    const before = leadIds.length;
    await phase(RATE, SECONDS);
    const leads = leadIds.length - before;
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = meter(leads);
    const threads1 = threadCpu(worker.pid!);
    await new Promise((r) => setTimeout(r, 1000)); // pg_stat_database is refreshed at most every 500 ms
    const db1 = await dbStats();
    const measured = leadIds.slice(before);

    // Where the Temporal server's CPU goes, over a further phase (perf's own cost stays out of the figures above).
    let temporalProfile: object = { skipped: 'perf is not installed' };
    if (perfAvailable()) {
      const file = path.join(profDir, 'temporal.perf');
      const perf = startPerf(stack.temporalPid, file);
      const first = leadIds.length;
      await phase(RATE, PERF_SECONDS);
      await perf.stop();
      const result = await goProfile(stack.temporalPid, file, TEMPORAL_PARTS);
      temporalProfile =
        result.samples === 0
          ? { skipped: 'perf recorded no samples (not allowed to trace the process: kernel.perf_event_paranoid)' }
          : {
              what:
                `the Temporal dev server under perf (499 Hz, call stacks) while ${leadIds.length - first} more leads came in at the same rate, ` +
                "its functions named from the binary's Go function table; parts: the share of samples with a frame in each (they " +
                'overlap); inKernel: in system calls, scheduling and the loopback network its services talk over; self: the ' +
                'functions the samples were in',
              ...result,
            };
    }

    // The idle processes' CPU over the measured phase's wall time, per lead: the part that is not the leads'.
    const idlePerLead = Object.fromEntries(
      Object.entries(baseline).map(([name, b]) => [
        name,
        Number((((b.cpuSeconds / idleSeconds) * wallSeconds * 1000) / leads).toFixed(1)),
      ]),
    );
    const perLead = Object.fromEntries(Object.entries(cpu).map(([name, c]) => [name, c.cpuMsPerLead]));
    const sum = (xs: Record<string, number>) =>
      Number(
        Object.values(xs)
          .reduce((s, ms) => s + ms, 0)
          .toFixed(1),
      );
    const totalMsPerLead = sum(perLead);
    // Node names its main thread, the workflow thread and V8's helpers all "node": the main thread is the one
    // whose id is the process's, the SDK core's are "tokio-…"; the others are listed largest first.
    const threadMs = [...threads1].map(([tid, t]) => ({
      tid,
      name: t.name,
      ms: ((t.seconds - (threads0.get(tid)?.seconds ?? 0)) * 1000) / leads,
    }));
    const msOf = (xs: typeof threadMs) => Number(xs.reduce((s, t) => s + t.ms, 0).toFixed(1));
    const workerThreads = {
      main: msOf(threadMs.filter((t) => t.tid === String(worker.pid))),
      sdkCore: msOf(threadMs.filter((t) => t.name.startsWith('tokio'))),
      others: threadMs
        .filter((t) => t.tid !== String(worker.pid) && !t.name.startsWith('tokio') && t.ms >= 0.5)
        .map((t) => Number(t.ms.toFixed(1)))
        .sort((a, b) => b - a),
    };

    // The history a new lead leaves, on a sample of the measured leads.
    const sample = measured.filter((_, i) => i % 20 === 0);
    const shape = { events: 0, workflowTasks: 0, activities: 0, byActivity: {} as Record<string, number> };
    for (const id of sample) {
      const events = (await stack.client.workflow.getHandle(leadWorkflowId(id)).fetchHistory()).events ?? [];
      shape.events += events.length;
      for (const e of events) {
        if (e.workflowTaskCompletedEventAttributes) shape.workflowTasks++;
        const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
        if (type) {
          shape.activities++;
          shape.byActivity[type] = (shape.byActivity[type] ?? 0) + 1;
        }
      }
    }
    const perSampled = (n: number) => Number((n / sample.length).toFixed(2));

    let profile: object | undefined;
    if (PROFILE) {
      await stopChild(worker, 'SIGTERM'); // a profile is written when its thread ends
      profile = Object.fromEntries(
        readdirSync(profDir)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f, i) => [`thread ${i}`, profileSummary(path.join(profDir, f), 20)]),
      );
    }

    const cores = cpus().length;
    writeResult('cost', {
      benchmark: 'cost',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore },
      settings: { leadsPerSecond: RATE, seconds: SECONDS, reps: 4, profiled: PROFILE },
      leads,
      cpuMsPerLead: perLead,
      totalCpuMsPerLead: totalMsPerLead,
      coresUsed: Object.fromEntries(Object.entries(cpu).map(([name, c]) => [name, c.coresUsed])),
      baseline: {
        what: `the same processes with no leads (${idleSeconds} s), as CPU per lead over the measured phase's time`,
        cpuMsPerLead: idlePerLead,
        totalCpuMsPerLead: sum(idlePerLead),
      },
      ratio: Number((totalMsPerLead / Math.max(0.1, sum(idlePerLead))).toFixed(1)),
      workerCpuMsPerLead: {
        what: 'the main thread (activities, the SDK bridge, the payload codec), the SDK core (gRPC, state machines), and the other threads (the workflow thread, GC and compiler helpers), largest first',
        ...workerThreads,
      },
      database: Object.fromEntries(
        Object.keys(db1).map((k) => [`${k}PerLead`, Number(((Number(db1[k]) - Number(db0[k])) / leads).toFixed(1))]),
      ),
      history: {
        sampledLeads: sample.length,
        eventsPerLead: perSampled(shape.events),
        workflowTasksPerLead: perSampled(shape.workflowTasks),
        activitiesPerLead: perSampled(shape.activities),
        activities: Object.fromEntries(Object.entries(shape.byActivity).map(([k, n]) => [k, perSampled(n)])),
      },
      priced: PRICED_RATES.map((rate) => ({
        leadsPerSecond: rate,
        coresNeeded: Number(((totalMsPerLead * rate) / 1000).toFixed(2)),
        cores,
      })),
      sustainableLeadsPerSecond: Number(((cores * 1000) / totalMsPerLead).toFixed(1)),
      temporalProfile,
      ...(profile ? { profile } : {}),
    });
  } finally {
    http.close();
    await stack.stop();
    rmSync(profDir, { recursive: true, force: true });
  }
});
