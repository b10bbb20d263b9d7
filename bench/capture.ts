/**
 * Capture throughput (issue: walking skeleton). Not a test: `npm run bench` writes
 * bench/results/capture.json with, measured in the same run against the same Temporal dev server:
 *   - captured leads/s through POST /v1/leads (validation, auth, lead row + touch, signalWithStart);
 *   - the bare rate of client.workflow.start, the floor the API is measured against;
 * their ratio (goal ≥ 0.8) and p50/p99 latencies. No worker runs: this measures capture, not the lead's life.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb, migrate } from '../db';
import { createApiKey } from '../db/keys';
import { dropDatabase, ensureDatabase, findPostgres } from '../scripts/postgres';
import { freePort, startDevServer, waitForPort } from '../scripts/processes';
import { ensureTools } from '../scripts/tools';

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

async function main(): Promise<void> {
  const tools = ensureTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'ripen-bench-'));
  const [temporalPort, pgPort] = await Promise.all([freePort(), freePort()]);
  const [temporal, postgres] = await Promise.all([
    startDevServer({ bin: tools.temporal, port: temporalPort }),
    findPostgres({ databaseUrl: process.env.DATABASE_URL, embeddedDir: path.join(dir, 'pg'), embeddedPort: pgPort }),
  ]);
  const database = `ripen_bench_${Date.now()}`;
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, { max: 2 });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-${Date.now()}`;
  // The API in its own process, as deployed: the load generator must not share its event loop.
  const apiPort = await freePort();
  const adminKey = randomBytes(24).toString('base64url');
  const api = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_API_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      'tsx',
      path.join(__dirname, '..', 'api', 'server.ts'),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(CONCURRENCY + 8),
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        PORT: String(apiPort),
        RIPEN_ADMIN_KEY: adminKey,
        RIPEN_SECRET: randomBytes(32).toString('base64url'),
        // One load generator on one address: the per-address capture limit would measure itself.
        RATE_LIMIT_CAPTURE_PER_MINUTE: '1000000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForPort(apiPort, api, 'the API');
  const url = `http://127.0.0.1:${apiPort}/v1/leads`;
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${await createApiKey(db, 'capture', { label: 'bench' })}`,
  };
  const run = randomUUID().slice(0, 8);

  // node:http with keep-alive, as a form backend would call it; fetch's own overhead would be measured against the API otherwise.
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({
        email: `lead${i}.${run}@bench.ripen.test`,
        firstName: 'Bench',
        company: 'Bench Oy',
        country: 'FI',
        source: { channel: 'web-form', campaign: 'bench' },
      });
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 201
              ? resolve()
              : reject(new Error(`POST /v1/leads answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const start = async (i: number) => {
    await client.workflow.start('leadWorkflow', {
      workflowId: `bench-${run}-${i}`,
      taskQueue,
      args: [
        {
          leadId: randomUUID(),
          source: { channel: 'web-form', campaign: 'bench' },
          reachableBy: { email: true, phone: false },
        },
      ],
    });
  };

  try {
    // Warm both paths (connections, JIT, PostgreSQL caches), then alternate so neither phase gets a warmer server.
    await measure(WARMUP, (i) => post(LEADS * 10 + i));
    await measure(WARMUP, (i) => start(LEADS * 10 + i));
    const bare1 = await measure(LEADS / 2, (i) => start(i));
    const api1 = await measure(LEADS / 2, (i) => post(i));
    const bare2 = await measure(LEADS / 2, (i) => start(LEADS + i));
    const api2 = await measure(LEADS / 2, (i) => post(LEADS + i));
    const combine = (a: Phase, b: Phase): Phase => ({
      perSecond: Number(((a.count + b.count) / (a.count / a.perSecond + b.count / b.perSecond)).toFixed(1)),
      p50Ms: Number(((a.p50Ms + b.p50Ms) / 2).toFixed(2)),
      p99Ms: Math.max(a.p99Ms, b.p99Ms),
      count: a.count + b.count,
      errors: a.errors + b.errors,
    });
    const api = combine(api1, api2);
    const bare = combine(bare1, bare2);
    const [counted] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM leads WHERE email_normalized LIKE '%@bench.ripen.test'",
    );
    const result = {
      benchmark: 'capture',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { leads: LEADS, concurrency: CONCURRENCY, postgres: postgres.kind },
      api,
      bareWorkflowStart: bare,
      ratio: Number((api.perSecond / bare.perSecond).toFixed(3)),
      goal: 0.8,
      leadRowsCreated: counted?.n,
    };
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(path.join(__dirname, 'results', 'capture.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    agent.destroy();
    api.kill('SIGINT');
    await new Promise((resolve) => api.once('exit', resolve));
    await connection.close();
    await db.close();
    await temporal.stop();
    await dropDatabase(postgres.adminUrl, database);
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
