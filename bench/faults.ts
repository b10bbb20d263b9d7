/**
 * The fault suite (issue 12.7). Not a test: `npm run faults` runs four faults on instances it starts
 * itself — an embedded PostgreSQL, a Temporal dev server on a port of its own (persisted, so it can
 * be restarted), an SMTP sink and a worker process — and writes bench/results/faults.json with, per
 * fault: leads, captures answered, e-mails accepted by the sink, duplicate Message-IDs, stalled and
 * lost leads. The fast parts of the same faults run in `npm test` (test/email-faults.test.ts,
 * test/smtp-replies.test.ts, test/api-unavailable.test.ts, test/reconcile.test.ts).
 *
 *   1. kill-after-250: the worker is SIGKILLed after the SMTP server answered 250 and before the
 *      outbox commit (a TCP proxy in front of PostgreSQL holds the worker's COMMIT back);
 *   2. smtp-hang: the SMTP server stops greeting for a while; sends time out and retry, rep updates
 *      are answered meanwhile;
 *   3. postgres-down: PostgreSQL stopped for 30 s while the worker runs cadences (clock compressed
 *      720×); the API answers 503 with Retry-After; afterwards every board row agrees with its workflow;
 *   4. temporal-restart: the dev server restarted under captures and rep outcomes; every capture is
 *      answered 201/200, or 202 stored (Temporal did not confirm it: the reconciliation sweep, run
 *      here for those leads, starts their runs), or 503 with nothing stored; no lead lost; every
 *      workflow goes on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server as NetServer, type Socket, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { cpus, totalmem, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { createReconcileActivities } from '../activities/reconcile';
import { createApp } from '../api/app';
import { createDb, migrate, type Db } from '../db';
import { createApiKey } from '../db/keys';
import { FAILURE_CONVERTER_PATH, ripenDataConverter } from '../privacy/data-converter';
import { openDataKeyStore } from '../privacy/data-keys';
import { ensureDatabase, startEmbeddedPostgres, type PostgresServer } from '../scripts/postgres';
import { freePort, registerSearchAttributes, startDevServer, type RunningProcess } from '../scripts/processes';
import { ensureTools } from '../scripts/tools';
import { leadStateQuery, leadWorkflowId, type LeadState } from '../workflows/contracts';
import { masterKeyring, SECRET } from '../test/helpers/stack';

const ROOT = path.resolve(__dirname, '..');
const TIME_SCALE = 720; // a day in two minutes: cadences, SLAs and reminders fire during the faults
const LEADS = Number(process.env.FAULT_LEADS ?? 12);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(250);
  }
  return false;
}

/** An SMTP sink that counts every message it accepted (said 250 to), by Message-ID, even if the client then died. */
async function startSink() {
  const accepted: { to: string[]; messageId: string }[] = [];
  let hang = false;
  let hungConnections = 0;
  let beforeReply: ((to: string[]) => Promise<void>) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (hang) return void hungConnections++; // never greets
      callback();
    },
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => void (head.length < 8192 && (head += c.toString())));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const messageId = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? 'none';
        const hook = beforeReply;
        void (async () => {
          if (hook) {
            beforeReply = undefined;
            await hook(to);
          }
          accepted.push({ to, messageId }); // counted as the 250 goes out
          callback();
        })();
      });
    },
  });
  server.on('error', () => undefined); // a client killed mid-session resets its socket: expected here
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted,
    setHang: (on: boolean) => void (hang = on),
    hung: () => hungConnections,
    /** Runs `hook` for the next message, after its data and just before its 250. */
    onNextBeforeReply: (hook: (to: string[]) => Promise<void>) => void (beforeReply = hook),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP proxy in front of PostgreSQL for the worker: `hold()` stops forwarding the worker's bytes (its COMMIT never arrives). */
async function startProxy(targetPort: number) {
  let held = false;
  const pairs = new Set<[Socket, Socket]>();
  const server: NetServer = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (chunk) => void (!held && upstream.write(chunk)));
    upstream.on('data', (chunk) => void client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hold: () => void (held = true),
    release: () => void (held = false),
    close: () => {
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

function duplicates(accepted: { messageId: string }[], ids?: Set<string>) {
  const counts = new Map<string, number>();
  for (const m of accepted)
    if (!ids || ids.has(m.messageId)) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  const copies = [...counts.values()];
  return { duplicateMessageIds: copies.filter((c) => c > 1).length, maxCopiesOfOneMessage: Math.max(0, ...copies) };
}

async function main(): Promise<void> {
  const tools = ensureTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'ripen-faults-'));
  chmodSync(dir, 0o755); // run as root, initdb runs as an unprivileged user that must reach its directory
  const [pgPort, temporalPort] = await Promise.all([freePort(), freePort()]);
  const pgDir = path.join(dir, 'pg');
  let postgres: PostgresServer = await startEmbeddedPostgres(pgDir, pgPort);
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'ripen_faults');
  await migrate(databaseUrl);
  const temporalDb = path.join(dir, 'temporal.sqlite');
  const startTemporal = async () => {
    const server = await startDevServer({ bin: tools.temporal, port: temporalPort, dbFile: temporalDb });
    await registerSearchAttributes(tools.temporal, server.address);
    return server;
  };
  let temporal: RunningProcess = await startTemporal();
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  const sink = await startSink();
  const proxy = await startProxy(pgPort);
  const taskQueue = `faults-${Date.now()}`;
  const workerUrl = databaseUrl.replace(`:${pgPort}/`, `:${proxy.port}/`);

  let worker: ChildProcess | undefined;
  let workerStarts = 0;
  let workerCrashes = 0;
  let killing = false;
  const spawned = new Set<ChildProcess>();
  // Whatever ends this process, every worker and the dev server it started end with it.
  process.on('exit', () => {
    for (const proc of spawned) proc.kill('SIGKILL');
    temporal.child.kill('SIGKILL');
  });
  const startWorker = (): Promise<ChildProcess> => {
    workerStarts++;
    const settings = {
      temporalAddress: temporal.address,
      taskQueue,
      databaseUrl: workerUrl,
      smtpUrl: sink.url,
      workflowBundlePath: bundlePath,
      smtpTimeouts: true,
    };
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'helpers', 'worker-process.ts')], {
      cwd: ROOT,
      env: { ...process.env, RIPEN_WORKER_PROCESS: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    spawned.add(proc);
    proc.once('exit', () => spawned.delete(proc));
    return new Promise((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('ready')) return;
        // A worker that dies on its own (not killed by a fault) is a finding: counted, and started again.
        proc.once('exit', () => {
          if (killing || worker !== proc) return;
          workerCrashes++;
          void startWorker().then((next) => (worker = next));
        });
        resolve(proc);
      });
      proc.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
  };
  const killWorker = async () => {
    const proc = worker;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    killing = true;
    proc.kill('SIGKILL');
    await exited;
    killing = false;
  };
  worker = await startWorker();

  const db: Db = createDb(databaseUrl, { max: 20 });
  const keys = openDataKeyStore(databaseUrl, masterKeyring());
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: ripenDataConverter(keys) });
  const app = createApp({
    db,
    temporal: client,
    taskQueue,
    secret: SECRET,
    timeScale: TIME_SCALE,
    temporalDeadlineMs: 5_000,
    rateLimits: { capturePerWindow: Number.MAX_SAFE_INTEGER, publicPerWindow: Number.MAX_SAFE_INTEGER },
  });
  const http = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const repId = 'rep-faults';
  await db.query('INSERT INTO reps (id, name, email) VALUES ($1, $2, $3)', [repId, 'Rep Faults', 'rep@faults.test']);
  await db.query('INSERT INTO territories (rep_id, country, city) VALUES ($1, $2, $3)', [repId, 'FI', 'Oulu']);
  const captureKey = `Bearer ${await createApiKey(db, 'capture')}`;
  const repKey = `Bearer ${await createApiKey(db, 'rep', { repId })}`;

  const call = async (method: string, route: string, key: string, body?: unknown) => {
    const started = performance.now();
    try {
      const res = await fetch(`${apiUrl}${route}`, {
        method,
        headers: { authorization: key, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json().catch(() => ({}))) as Record<string, any>;
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: json,
        ms: performance.now() - started,
      };
    } catch {
      return { status: 0, retryAfter: null, body: {}, ms: performance.now() - started };
    }
  };
  let n = 0;
  const newAddress = (fault: string) => `${fault}.${++n}.${Date.now()}@faults.example.fi`;
  const capture = (email: string) =>
    call('POST', '/v1/leads', captureKey, { email, firstName: 'Fault', country: 'FI', city: 'Oulu' });
  const state = (leadId: string) =>
    connection.withDeadline(Date.now() + 5_000, () =>
      client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery),
    ) as Promise<LeadState>;
  const firstTouchSent = async (leadId: string) => (await state(leadId)).firstTouchEmailSent === true;
  /** Leads whose workflow does not answer or whose first touch never went out within the bound. */
  const stalledOf = async (leadIds: string[], timeoutMs: number) => {
    const stalled: string[] = [];
    for (const id of leadIds) if (!(await until(() => firstTouchSent(id), timeoutMs))) stalled.push(id);
    return stalled;
  };
  const rowAgrees = async (leadId: string) => {
    const [s, [row]] = await Promise.all([
      state(leadId),
      db.query<{ stage: string; attempts: number; assigned_rep_id: string | null }>(
        'SELECT stage, attempts, assigned_rep_id FROM leads WHERE id = $1',
        [leadId],
      ),
    ]);
    return (
      !!row &&
      s.stage === row.stage &&
      s.attempts === row.attempts &&
      (s.assignedRep === null || s.assignedRep === row.assigned_rep_id)
    );
  };
  const results: Record<string, unknown> = {};

  // 1. The worker SIGKILLed after the SMTP server's 250, before the outbox commit.
  {
    const leadIds: string[] = [];
    let killedFor: string[] = [];
    sink.onNextBeforeReply(async (to) => {
      killedFor = to;
      proxy.hold(); // the worker's next bytes to PostgreSQL (its COMMIT) go nowhere
      await killWorker(); // SIGKILL: the 250 below reaches no one
    });
    const answers = [];
    for (let i = 0; i < LEADS; i++) {
      const res = await capture(newAddress('kill'));
      answers.push(res.status);
      if (res.status === 201) leadIds.push(res.body.leadId as string);
    }
    await until(async () => killedFor.length > 0, 120_000);
    proxy.release();
    worker = await startWorker();
    const stalled = await stalledOf(leadIds, 180_000);
    const ids = new Set(sink.accepted.filter((m) => m.to.some((t) => t.startsWith('kill.'))).map((m) => m.messageId));
    const killedCopies = sink.accepted.filter((m) => m.to.join() === killedFor.join()).length;
    results['kill-after-250'] = {
      leads: leadIds.length,
      capturesAnswered: answers.filter((s) => s === 201 || s === 200).length,
      emails: sink.accepted.filter((m) => ids.has(m.messageId)).length,
      killedMessageCopies: killedCopies,
      ...duplicates(sink.accepted, ids),
      stalledLeads: stalled.length,
      lostLeads: answers.length - leadIds.length,
    };
    console.log('kill-after-250', results['kill-after-250']);
  }

  // 2. The SMTP server hangs: sends time out and retry; rep updates are answered meanwhile.
  {
    const repLeads = (results['kill-after-250'] as { leads: number }).leads;
    const owned = await db.query<{ id: string }>('SELECT id FROM leads WHERE assigned_rep_id = $1 LIMIT $2', [
      repId,
      repLeads,
    ]);
    sink.setHang(true);
    const hungBefore = sink.hung();
    const leadIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await capture(newAddress('hang'));
      if (res.status === 201) leadIds.push(res.body.leadId as string);
    }
    await until(async () => sink.hung() > hungBefore, 60_000); // a send is hanging now
    const updates = [];
    for (const { id } of owned)
      updates.push(await call('POST', `/v1/leads/${id}/outcomes`, repKey, { outcome: 'no_answer' }));
    await until(async () => sink.hung() >= hungBefore + 3, 120_000); // attempts timed out and retried into the hang
    const hungSends = sink.hung() - hungBefore;
    sink.setHang(false);
    const stalled = await stalledOf(leadIds, 300_000);
    const ids = new Set(sink.accepted.filter((m) => m.to.some((t) => t.startsWith('hang.'))).map((m) => m.messageId));
    results['smtp-hang'] = {
      leads: leadIds.length,
      hungSendAttempts: hungSends,
      repUpdates: updates.length,
      repUpdatesAnswered200: updates.filter((u) => u.status === 200).length,
      repUpdateP50Ms: percentile(
        updates.map((u) => u.ms),
        50,
      ),
      repUpdateMaxMs: percentile(
        updates.map((u) => u.ms),
        100,
      ),
      emails: sink.accepted.filter((m) => ids.has(m.messageId)).length,
      ...duplicates(sink.accepted, ids),
      stalledLeads: stalled.length,
      lostLeads: 0,
    };
    console.log('smtp-hang', results['smtp-hang']);
  }

  // 3. PostgreSQL stopped for 30 s while the worker runs cadences.
  {
    const leadIds: string[] = [];
    for (let i = 0; i < LEADS; i++) {
      const res = await capture(newAddress('pgdown'));
      if (res.status === 201) leadIds.push(res.body.leadId as string);
    }
    await until(async () => (await Promise.all(leadIds.map(firstTouchSent))).every(Boolean), 120_000);
    await postgres.stop();
    const outage = Date.now();
    const during = [];
    while (Date.now() - outage < 30_000) {
      during.push(await capture(newAddress('pgdown-outage')));
      await sleep(2_000);
    }
    postgres = await startEmbeddedPostgres(pgDir, pgPort);
    const notAgreeing: string[] = [];
    for (const id of leadIds) if (!(await until(() => rowAgrees(id), 180_000))) notAgreeing.push(id);
    const stored = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM leads WHERE email LIKE 'pgdown-outage.%'",
    );
    results['postgres-down'] = {
      leads: leadIds.length,
      outageSeconds: 30,
      capturesDuringOutage: during.length,
      answered503WithRetryAfter: during.filter((r) => r.status === 503 && r.retryAfter).length,
      storedDuringOutage: stored[0]!.n,
      boardRowsDisagreeing: notAgreeing.length,
      stalledLeads: notAgreeing.length,
      lostLeads: 0,
    };
    console.log('postgres-down', results['postgres-down']);
  }

  // 4. The Temporal dev server restarted under captures and rep outcomes.
  {
    const captured: { email: string; status: number; leadId?: string }[] = [];
    const outcomes: number[] = [];
    let stop = false;
    const owned = await db.query<{ id: string }>('SELECT id FROM leads WHERE assigned_rep_id = $1 LIMIT 10', [repId]);
    const load = (async () => {
      let i = 0;
      while (!stop) {
        const email = newAddress('restart');
        const res = await capture(email);
        captured.push({ email, status: res.status, leadId: res.body.leadId as string | undefined });
        const lead = owned[i++ % Math.max(1, owned.length)];
        if (lead)
          outcomes.push((await call('POST', `/v1/leads/${lead.id}/outcomes`, repKey, { outcome: 'no_answer' })).status);
        await sleep(200);
      }
    })();
    await sleep(5_000);
    await temporal.stop();
    await sleep(5_000);
    temporal = await startTemporal();
    await sleep(10_000);
    stop = true;
    await load;
    if (worker.exitCode !== null || worker.signalCode !== null) worker = await startWorker();
    const stored = captured.filter((c) => c.status === 202);
    // What its Schedule would do within minutes: the sweep starts the runs Temporal did not confirm.
    const sweep = await createReconcileActivities({ db, temporal: client, taskQueue }).reconcileLeads({
      leadIds: stored.map((c) => c.leadId!),
    });
    const created = captured.filter((c) => c.status === 201 || c.status === 200 || c.status === 202);
    const refused = captured.filter((c) => c.status === 503);
    let storedRefused = 0;
    for (const c of refused)
      storedRefused += (await db.query('SELECT 1 FROM leads WHERE email = $1', [c.email])).length;
    const lost: string[] = [];
    for (const c of created) if (!(await until(async () => !!(await state(c.leadId!)), 60_000))) lost.push(c.leadId!);
    const stalled = await stalledOf(
      created.map((c) => c.leadId!).filter((id) => !lost.includes(id)),
      300_000,
    );
    results['temporal-restart'] = {
      leads: created.length,
      captures: captured.length,
      capturesAnswered201or200: created.length - stored.length,
      capturesAnswered202Stored: stored.length,
      startedBySweep: sweep.started.length,
      capturesAnswered503: refused.length,
      capturesOtherwise: captured.length - created.length - refused.length,
      storedAfter503: storedRefused,
      repOutcomes: outcomes.length,
      repOutcomesAnswered200: outcomes.filter((s) => s === 200).length,
      repOutcomesAnswered202: outcomes.filter((s) => s === 202).length,
      repOutcomesAnswered503: outcomes.filter((s) => s === 503).length,
      stalledLeads: stalled.length,
      lostLeads: lost.length,
    };
    console.log('temporal-restart', results['temporal-restart']);
  }

  const out = {
    benchmark: 'faults',
    measuredAt: new Date().toISOString(),
    machine: { cores: cpus().length, memoryBytes: totalmem(), node: process.version },
    settings: { leadsPerFault: LEADS, timeScale: TIME_SCALE },
    workerStarts,
    workerCrashes,
    faults: results,
  };
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'faults.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));

  await new Promise<void>((resolve) => http.close(() => resolve()));
  await killWorker();
  await connection.close();
  await keys.close();
  await db.close();
  await proxy.close();
  await sink.close();
  await temporal.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
