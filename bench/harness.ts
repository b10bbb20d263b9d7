/**
 * What the benchmarks share: the stack as deployed (a Temporal dev server, a database of the run's
 * own, the API and the worker as child processes started the way `npm run api` and `npm run worker`
 * start them), an in-process SMTP sink that records when it accepted each message, a keep-alive HTTP
 * load generator, and the result file with the machine and its load. Benchmarks are never tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { createDb, migrate, type Db } from '../db';
import { createApiKey } from '../db/keys';
import { parseKeyring } from '../privacy/keyring';
import { dataConverterFor } from '../privacy/data-converter';
import { dropDatabase, ensureDatabase, findPostgres } from '../scripts/postgres';
import { freePort, startDevServer, waitForPort, type RunningProcess } from '../scripts/processes';
import { ensureTools } from '../scripts/tools';

const ROOT = path.join(__dirname, '..');
/** Starts node on jemalloc where the machine has it (`npm run worker` runs the worker through it). */
const WITH_ALLOCATOR = path.join(ROOT, 'scripts', 'with-allocator.sh');

/** The machine and its load: every absolute figure is read against them. */
export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryBytes: totalmem(),
    node: process.version,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export function writeResult(name: string, result: object): void {
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1));
}

export interface SunkMail {
  to: string[];
  at: number;
  messageId: string | undefined;
  /** As the header has it (an encoded word is not decoded). */
  subject: string | undefined;
}

/** An SMTP server in this process that accepts everything and records when (no parsing: it must not be the bottleneck). */
export async function startMailSink(): Promise<{ url: string; mails: SunkMail[]; close(): Promise<void> }> {
  const mails: SunkMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const head = Buffer.concat(chunks).toString('utf8', 0, 8192);
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          at: performance.now(),
          messageId: /^Message-ID:\s*(\S+)/im.exec(head)?.[1],
          subject: /^Subject:\s*(.*)$/im.exec(head)?.[1],
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((r) => server.close(() => r())) };
}

export interface StackOptions {
  emailsPerSecond: number;
  /** Reps to route to (round robin, no territories): each new lead gets a rep and a rep notice. */
  reps?: number;
  /** RIPEN_TIME_SCALE for the API (compressed clock for timers). */
  timeScale?: number;
  /** Persist the dev server in this SQLite file (to measure the store's bytes). */
  temporalDbFile?: boolean;
  env?: Record<string, string>;
}

export interface BenchStack {
  run: string;
  taskQueue: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalDbFile: string | undefined;
  /** The dev server's process id (to read its CPU). */
  temporalPid: number;
  db: Db;
  /** A Temporal client with Ripen's data converter (reads encrypted payloads). */
  client: Client;
  sink: Awaited<ReturnType<typeof startMailSink>>;
  captureKey: string;
  managerKey: string;
  env: Record<string, string>;
  /** Starts `api/server.ts` in a process of its own (with these node options, e.g. `--cpu-prof`) and returns its base URL. */
  startApi(extraEnv?: Record<string, string>, nodeArgs?: string[]): Promise<{ url: string; child: ChildProcess }>;
  /** Starts `worker/main.ts` in a process of its own (with these node options), resolved once it polls. */
  startWorker(extraEnv?: Record<string, string>, nodeArgs?: string[]): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startBenchStack(options: StackOptions): Promise<BenchStack> {
  const tools = ensureTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'ripen-bench-'));
  const [temporalPort, pgPort] = await Promise.all([freePort(), freePort()]);
  const temporalDbFile = options.temporalDbFile ? path.join(dir, 'temporal.db') : undefined;
  const [temporal, postgres] = await Promise.all([
    startDevServer({ bin: tools.temporal, port: temporalPort, dbFile: temporalDbFile }),
    findPostgres({ databaseUrl: process.env.DATABASE_URL, embeddedDir: path.join(dir, 'pg'), embeddedPort: pgPort }),
  ]);
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const database = `ripen_bench_${run}`;
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, { max: 4 });
  const masterKeys = `bench:${randomBytes(32).toString('base64')}`;
  const keys = dataConverterFor(databaseUrl, parseKeyring(masterKeys, { name: 'RIPEN_MASTER_KEYS', exactBytes: 32 }));
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: keys.dataConverter });
  const sink = await startMailSink();
  const taskQueue = `bench-${run}`;
  for (let i = 0; i < (options.reps ?? 0); i++)
    await db.query('INSERT INTO reps (id, name, email, manager_email) VALUES ($1, $2, $3, $4)', [
      `rep-${i}`,
      `Bench Rep ${i}`,
      `rep-${i}@reps.bench.test`,
      'manager@reps.bench.test',
    ]);
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '40',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    RIPEN_SECRET: randomBytes(32).toString('base64url'),
    RIPEN_MASTER_KEYS: masterKeys,
    RIPEN_ADMIN_KEY: randomBytes(24).toString('base64url'),
    SMTP_URL: sink.url,
    EMAILS_PER_SECOND: String(options.emailsPerSecond),
    MANAGER_EMAIL: 'manager@reps.bench.test',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'error',
    // One load generator on one address: the per-address capture limit would measure itself.
    RATE_LIMIT_CAPTURE_PER_MINUTE: '1000000000',
    RIPEN_TIME_SCALE: String(options.timeScale ?? 1),
    ...options.env,
  };
  const children: ChildProcess[] = [];
  /** `npm run api` / `npm run worker` as child processes; the worker through its allocator launcher, as `npm run worker`. */
  const spawnNode = (script: string, extraEnv: Record<string, string>, nodeArgs: string[] = [], launcher = false) => {
    const args = [...nodeArgs, '--import', 'tsx', path.join(ROOT, script)];
    const child = spawn(launcher ? 'sh' : process.execPath, launcher ? [WITH_ALLOCATOR, ...args] : args, {
      env: { ...process.env, ...env, ...extraEnv, ...(launcher ? { NODE: process.execPath } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  return {
    run,
    taskQueue,
    databaseUrl,
    temporalAddress: temporal.address,
    temporalDbFile,
    temporalPid: temporal.child.pid!,
    db,
    client,
    sink,
    captureKey: await createApiKey(db, 'capture', { label: 'bench' }),
    managerKey: await createApiKey(db, 'manager', { label: 'bench' }),
    env,
    async startApi(extraEnv = {}, nodeArgs = []) {
      const port = await freePort();
      const child = spawnNode('api/server.ts', { ...extraEnv, PORT: String(port) }, nodeArgs);
      await waitForPort(port, child, 'the API');
      return { url: `http://127.0.0.1:${port}`, child };
    },
    async startWorker(extraEnv = {}, nodeArgs = []) {
      const child = spawnNode('worker/main.ts', extraEnv, nodeArgs, true);
      const before = await pollerCount(client, taskQueue);
      const deadline = Date.now() + 120_000;
      while ((await pollerCount(client, taskQueue)) <= before) {
        if (child.exitCode !== null) throw new Error(`the worker exited with code ${child.exitCode}`);
        if (Date.now() > deadline) throw new Error('the worker did not poll within 120 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      return child;
    },
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
              c.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
      await sink.close();
      await connection.close();
      await keys.close();
      await db.close();
      await temporal.stop();
      await dropDatabase(postgres.adminUrl, database);
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Distinct identities polling the lead queue's workflow tasks. */
async function pollerCount(client: Client, taskQueue: string): Promise<number> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // workflow
  });
  return new Set((res.pollers ?? []).map((p) => p.identity)).size;
}

/** Resident memory of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The malloc a process runs on: jemalloc when scripts/with-allocator.sh found it, else the C library's. */
export function allocatorOf(pid: number): 'jemalloc' | 'system' {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('/libjemalloc') ? 'jemalloc' : 'system';
}

/** The process's peak RSS so far (VmHWM). */
export function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * A worker's RSS as the items (leads welcomed, workflows run) grow: `sample(count)` reads it at each tenth of
 * `total`; `growth` is the least-squares slope per item over the samples from 30 % of the items on (the first
 * minutes fill the sticky cache), and what the settled RSS would be at 100,000 items if it went on growing so.
 */
export function rssTrend(pid: number, total: number) {
  const samples: { count: number; rssMiB: number }[] = [];
  let next = 0;
  return {
    samples,
    sample(count: number): void {
      if (count < next) return;
      samples.push({ count, rssMiB: Math.round(rssBytes(pid) / 2 ** 20) });
      next = count + total / 10;
    },
    growth: (settledBytes: number) => rssGrowth(samples, total, settledBytes / 2 ** 20),
  };
}

function rssGrowth(samples: { count: number; rssMiB: number }[], total: number, settledMiB: number) {
  const points = samples.filter((p) => p.count >= 0.3 * total);
  const mean = (f: (p: (typeof points)[number]) => number) => points.reduce((a, p) => a + f(p), 0) / points.length;
  const [mx, my] = [mean((p) => p.count), mean((p) => p.rssMiB)];
  const covariance = mean((p) => (p.count - mx) * (p.rssMiB - my));
  const variance = mean((p) => (p.count - mx) ** 2);
  const slope = variance > 0 ? (covariance / variance) * 2 ** 20 : 0;
  return {
    bytesPerItem: Math.round(slope),
    rssAt100kMiB: Math.round(settledMiB + (Math.max(0, slope) * Math.max(0, 100_000 - total)) / 2 ** 20),
  };
}

/** Bytes of a SQLite file and its WAL. */
export function sqliteBytes(file: string): number {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return size(file) + size(`${file}-wal`);
}

/** POSTs JSON over keep-alive connections (node:http, as a form backend would). Resolves with status and body. */
export function jsonPoster(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const post = (url: string, key: string, body: object, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const text = JSON.stringify(body);
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            'content-length': Buffer.byteLength(text),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  return { post, close: () => agent.destroy() };
}

/** A lead's capture body; its address is how the sink tells its first touch from notices. */
export function leadBody(run: string, i: number) {
  return {
    email: `lead${i}.${run}@bench.ripen.test`,
    firstName: 'Bench',
    company: 'Bench Oy',
    country: 'FI',
    source: { channel: 'web-form', campaign: 'bench' },
  };
}

export const leadAddress = (run: string, i: number) => `lead${i}.${run}@bench.ripen.test`;
export const isNotice = (m: SunkMail) => m.to.some((t) => t.endsWith('@reps.bench.test'));

/** Runs `op` `count` times with `concurrency` in flight. */
export async function closedLoop(count: number, concurrency: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await op(next++);
    }),
  );
}

/** Runs `op` at `perSecond` for `seconds` (open loop: a slow answer does not slow the arrivals). */
export async function openLoop(perSecond: number, seconds: number, op: (i: number) => Promise<void>): Promise<void> {
  const total = Math.round(perSecond * seconds);
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(op(i));
  }
  await Promise.all(running);
}

/** Waits until `check` holds, polling every second, or fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function main(fn: () => Promise<void>): void {
  fn().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

const eventMs = (t: { seconds?: { toNumber(): number } | null; nanos?: number | null } | null | undefined) =>
  t ? t.seconds!.toNumber() * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;

/**
 * Where the time between a capture and its first touch goes, read from a sample of histories:
 * the workflow's first task (start → welcome scheduled), the wait on the e-mail queue (scheduled →
 * started: the provider rate and free worker slots), and the welcome itself (routing, outbox, SMTP).
 */
export async function welcomeBreakdown(client: Client, workflowIds: string[]) {
  const parts = { firstTaskMs: [] as number[], queueWaitMs: [] as number[], welcomeActivityMs: [] as number[] };
  for (const id of workflowIds) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const start = events[0];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'welcomeLead');
    if (!start || !scheduled) continue;
    const started = events.find(
      (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(scheduled.eventId),
    );
    const completed = events.find(
      (e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(scheduled.eventId),
    );
    parts.firstTaskMs.push(eventMs(scheduled.eventTime) - eventMs(start.eventTime));
    if (started) parts.queueWaitMs.push(eventMs(started.eventTime) - eventMs(scheduled.eventTime));
    if (started && completed) parts.welcomeActivityMs.push(eventMs(completed.eventTime) - eventMs(started.eventTime));
  }
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: percentile(s, 0.5), p99: percentile(s, 0.99) };
  };
  return {
    sampledLeads: workflowIds.length,
    firstTaskMs: summary(parts.firstTaskMs),
    queueWaitMs: summary(parts.queueWaitMs),
    welcomeActivityMs: summary(parts.welcomeActivityMs),
  };
}

/**
 * How late the workflows handled their timers: for each TimerFired in the histories, the first
 * workflow task completed after it, against when the timer was due (started + its duration).
 */
export async function timerLags(client: Client, workflowIds: string[]) {
  const lags: number[] = [];
  const dues: number[] = [];
  let withFiredTimer = 0;
  for (const id of workflowIds) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    let fired = false;
    for (const [i, e] of events.entries()) {
      const f = e.timerFiredEventAttributes;
      if (!f) continue;
      fired = true;
      const started = events.find((s) => Number(s.eventId) === Number(f.startedEventId));
      const timeout = started?.timerStartedEventAttributes?.startToFireTimeout;
      if (!started || !timeout) continue;
      const due = eventMs(started.eventTime) + eventMs(timeout);
      dues.push(due);
      const handled = events.slice(i).find((c) => c.workflowTaskCompletedEventAttributes);
      if (handled) lags.push(eventMs(handled.eventTime) - due);
    }
    if (fired) withFiredTimer++;
  }
  lags.sort((a, b) => a - b);
  dues.sort((a, b) => a - b);
  // The densest minute: the most timers due within 60 s of one another.
  let mostInOneMinute = 0;
  for (let i = 0, j = 0; j < dues.length; j++) {
    while (dues[j]! - dues[i]! > 60_000) i++;
    mostInOneMinute = Math.max(mostInOneMinute, j - i + 1);
  }
  return {
    sampled: workflowIds.length,
    withFiredTimer,
    timers: lags.length,
    p50Ms: percentile(lags, 0.5),
    maxMs: percentile(lags, 1),
    dueSpanSeconds: dues.length > 0 ? Math.round((dues.at(-1)! - dues[0]!) / 1000) : 0,
    mostDueInOneMinute: mostInOneMinute,
  };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Where a process spent its CPU, from a V8 .cpuprofile (`node --cpu-prof`): self time grouped by
 * package (node_modules) or project file, largest first, with idle and GC apart.
 */
export function profileSummary(file: string, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
    const group =
      pkg ??
      (frame.url.startsWith('file://') || frame.url.startsWith('/')
        ? path.relative(ROOT, frame.url.replace('file://', ''))
        : frame.url.startsWith('node:')
          ? frame.url
          : frame.functionName || '(native)');
    groups.set(group, (groups.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const busy = [...groups].filter(([g]) => g !== '(idle)').reduce((s, [, ms]) => s + ms, 0);
  return {
    busyMs: Math.round(busy),
    idleMs: Math.round(groups.get('(idle)') ?? 0),
    top: [...groups]
      .filter(([g]) => g !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([group, ms]) => ({ group, ms: Math.round(ms), share: Number((ms / busy).toFixed(3)) })),
  };
}

/**
 * A process's or thread's `stat` file (`/proc/<pid>/stat`, `/proc/<pid>/task/<tid>/stat`): its name, parent,
 * CPU seconds used (user + system) and those of its children that have ended. Clock ticks: USER_HZ = 100.
 */
export function procStat(file: string) {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces and parentheses
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    ppid: Number(fields[1]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100,
    endedChildrenCpuSeconds: (Number(fields[13]) + Number(fields[14])) / 100,
  };
}

/** CPU seconds a process has used so far (user + system, Linux /proc). */
export function cpuSeconds(pid: number): number {
  return procStat(`/proc/${pid}/stat`).cpuSeconds;
}

/**
 * What the processes cost per lead and how much of the machine they got: CPU seconds used between
 * two readings, per lead, and as a share of one core over the wall time (a process on an idle 2-core
 * machine can get up to 1 core per thread it keeps busy; far less means it waited for the CPU).
 */
export function cpuMeter(processes: Record<string, number | (() => number)>) {
  const read = (p: number | (() => number)) => (typeof p === 'number' ? cpuSeconds(p) : p());
  const start = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, read(p)]));
  const t0 = performance.now();
  return (leads: number) => {
    const wall = (performance.now() - t0) / 1000;
    return Object.fromEntries(
      Object.entries(processes).map(([name, p]) => {
        const used = read(p) - start[name]!;
        return [
          name,
          {
            cpuSeconds: Number(used.toFixed(1)),
            cpuMsPerLead: Number(((used * 1000) / Math.max(1, leads)).toFixed(1)),
            coresUsed: Number((used / wall).toFixed(2)),
          },
        ];
      }),
    );
  };
}

/** The processes of a run whose CPU the benchmarks read: the API, the worker, the dev server and PostgreSQL. */
export function stackProcesses(stack: BenchStack, api: ChildProcess, worker: ChildProcess) {
  return { api: api.pid!, worker: worker.pid!, temporal: stack.temporalPid, postgres: postgresCpuSeconds };
}

/** CPU seconds used so far by every PostgreSQL process on the machine (the server and its backends). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = procStat(`/proc/${pid}/stat`);
      if (stat.name !== 'postgres') continue;
      total += stat.cpuSeconds;
      // The server's own process also counts its backends that have ended.
      if (procStat(`/proc/${stat.ppid}/stat`).name !== 'postgres') total += stat.endedChildrenCpuSeconds;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}
