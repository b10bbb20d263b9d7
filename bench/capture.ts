/**
 * Capture throughput. Not a test: `npm run bench:capture` writes bench/results/capture.json with,
 * measured in the same run against the same Temporal dev server:
 *   - captured leads/s through POST /v1/leads (validation, auth, lead row + touch, signalWithStart);
 *   - the bare rate of client.workflow.start, the floor the API is measured against;
 * their ratio (goal ≥ 0.8) and p50/p99 latencies. No worker runs: this measures capture, not the lead's life.
 * The API process runs with V8's sampling profiler (`--cpu-prof`, a few per cent of overhead): the result
 * file says where its CPU went, per package, so a ratio below the goal comes with what limits it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  cpuSeconds,
  jsonPoster,
  leadBody,
  machine,
  main,
  postgresCpuSeconds,
  profileSummary,
  startBenchStack,
  writeResult,
} from './harness';

const LEADS = Number(process.env.BENCH_LEADS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARMUP = 200;

interface Phase {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  errors: number;
}

/** Runs `op` `count` times with `CONCURRENCY` in flight and measures rate and latency. */
async function measure(count: number, op: (i: number) => Promise<void>): Promise<Phase> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors += 1;
          if (errors === 1) console.error(err);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN).toFixed(2));
  return {
    perSecond: Number((latencies.length / seconds).toFixed(1)),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    count: latencies.length,
    errors,
  };
}

main(async () => {
  const loadBefore = machine().loadavg;
  const stack = await startBenchStack({ emailsPerSecond: 20, env: { DATABASE_POOL_SIZE: String(CONCURRENCY + 8) } });
  // The bare floor: a plain client, no data converter, as a minimal Temporal application would start workflows.
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const http = jsonPoster(CONCURRENCY);
  const profileDir = mkdtempSync(path.join(tmpdir(), 'ripen-capture-prof-'));
  let result: Record<string, unknown> | undefined;
  try {
    const api = await stack.startApi({}, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    const post = async (i: number) => {
      const res = await http.post(`${api.url}/v1/leads`, stack.captureKey, leadBody(stack.run, i));
      if (res.status !== 201) throw new Error(`POST /v1/leads answered ${res.status}: ${res.body}`);
    };
    const start = async (i: number) => {
      await client.workflow.start('leadWorkflow', {
        workflowId: `bench-${stack.run}-${i}`,
        taskQueue: stack.taskQueue,
        args: [
          {
            leadId: randomUUID(),
            source: { channel: 'web-form', campaign: 'bench' },
            reachableBy: { email: true, phone: false },
          },
        ],
      });
    };
    // CPU per capture and per bare start by process: both paths share the machine's cores, so what a capture
    // costs beyond a start (and where) is what keeps the ratio below 1.
    const processes: Record<string, () => number> = {
      api: () => cpuSeconds(api.child.pid!),
      temporal: () => cpuSeconds(stack.temporalPid),
      postgres: postgresCpuSeconds,
      benchClient: () => cpuSeconds(process.pid),
    };
    const cpuUsed = { api: new Map<string, number>(), bare: new Map<string, number>() };
    const metered = async (path: keyof typeof cpuUsed, count: number, op: (i: number) => Promise<void>) => {
      const before = Object.entries(processes).map(([name, read]) => [name, read()] as const);
      const phase = await measure(count, op);
      for (const [name, at] of before)
        cpuUsed[path].set(name, (cpuUsed[path].get(name) ?? 0) + processes[name]!() - at);
      return phase;
    };
    const perCapture = (used: Map<string, number>): Record<string, number> => {
      const ms: Record<string, number> = Object.fromEntries(
        [...used].map(([name, s]) => [name, Number(((s * 1000) / LEADS).toFixed(2))]),
      );
      return {
        ...ms,
        total: Number(
          Object.values(ms)
            .reduce((a, b) => a + b, 0)
            .toFixed(2),
        ),
      };
    };
    // Warm both paths (connections, JIT, PostgreSQL caches), then alternate so neither phase gets a warmer server.
    await measure(WARMUP, (i) => post(LEADS * 10 + i));
    await measure(WARMUP, (i) => start(LEADS * 10 + i));
    const bare1 = await metered('bare', LEADS / 2, (i) => start(i));
    const api1 = await metered('api', LEADS / 2, (i) => post(i));
    const bare2 = await metered('bare', LEADS / 2, (i) => start(LEADS + i));
    const api2 = await metered('api', LEADS / 2, (i) => post(LEADS + i));
    const combine = (a: Phase, b: Phase): Phase => ({
      perSecond: Number(((a.count + b.count) / (a.count / a.perSecond + b.count / b.perSecond)).toFixed(1)),
      p50Ms: Number(((a.p50Ms + b.p50Ms) / 2).toFixed(2)),
      p99Ms: Math.max(a.p99Ms, b.p99Ms),
      count: a.count + b.count,
      errors: a.errors + b.errors,
    });
    const viaApi = combine(api1, api2);
    const apiCpu = perCapture(cpuUsed.api);
    const bareCpu = perCapture(cpuUsed.bare);
    const bare = combine(bare1, bare2);
    const ratio = Number((viaApi.perSecond / bare.perSecond).toFixed(3));
    result = {
      benchmark: 'capture',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore },
      settings: { leads: LEADS, concurrency: CONCURRENCY },
      api: viaApi,
      baseline: { what: 'bare client.workflow.start, same server, same run', ...bare },
      ratio,
      goal: { ratio: 0.8 },
      cpuMsPerCapture: {
        what: 'CPU ms per capture (API path) and per start (bare path), by process; benchClient is this process (HTTP or gRPC client)',
        api: apiCpu,
        bare: bareCpu,
      },
      met: ratio >= 0.8,
      limit: {
        what:
          'Every process shares the 2 cores, so the rates follow what each path costs the machine: a capture costs the API, ' +
          'PostgreSQL and, in the Temporal server, a signalWithStart with search attributes, a summary and encrypted payloads; ' +
          'a bare start only a start. With the API and PostgreSQL on cores of their own the Temporal server alone bounds the ' +
          'ratio (temporalOnlyRatio).',
        cpuRatio: Number((bareCpu.total! / apiCpu.total!).toFixed(3)),
        temporalOnlyRatio: Number((bareCpu.temporal! / apiCpu.temporal!).toFixed(3)),
      },
    };
  } finally {
    http.close();
    await connection.close();
    await stack.stop(); // the API writes its profile as it exits
  }
  const profile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  writeResult('capture', {
    ...result,
    apiProfile: profile
      ? {
          what: "the API process's CPU by package, whole run (warm-up and bare phases idle)",
          ...profileSummary(path.join(profileDir, profile)),
        }
      : 'not written',
  });
  rmSync(profileDir, { recursive: true, force: true });
});
