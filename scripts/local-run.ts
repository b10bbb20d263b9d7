/**
 * `npm start`: the whole pipeline on one machine, from a fresh clone.
 *
 * Starts what the environment does not already provide: a Temporal dev server (TEMPORAL_ADDRESS),
 * PostgreSQL (DATABASE_URL; else the local server on 5432; else embedded), maildev (SMTP_URL);
 * then runs the worker and the API in this process. State lives in data/, so a second start
 * finds the leads, workflows and mail of the first. Ctrl-C or SIGTERM stops everything in order:
 * the API, the worker (drained, by the SDK's own signal handling), then the servers.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LogEntry } from '@temporalio/worker';
import { startApi, type RunningApi } from '../api/server';
import { loadConfig } from '../config';
import { newKeyEntry } from '../privacy/keyring';
import { createDb, migrate } from '../db';
import { countAdminKeys, createApiKey, hashKey } from '../db/keys';
import { createLogger } from '../observability/logger';
import { installWorkerRuntime } from '../observability/worker-runtime';
import { runWorker } from '../worker/main';
import { startEmbeddedPostgresProcess } from './embedded-postgres';
import { ensureDatabase, findPostgres, withoutPassword } from './postgres';
import { portAnswers, registerSearchAttributes, startDevServer, startMaildev } from './processes';
import { repsStatusLines } from './reps';
import { ensureTools } from './tools';

const DATA = path.resolve(__dirname, '..', 'data');
/** The running stack's URLs, for `npm run demo`. */
const STACK_FILE = path.join(DATA, 'stack.json');
const PORTS = { temporal: 7233, temporalUi: 8233, smtp: 1025, inbox: 1080, embeddedPostgres: 5433 };
const STOP_TIMEOUT_MS = 60_000;

const say = (message: string) => console.log(`[ripen] ${message}`);

/** Servers this run started, stopped last-started-first once the API and the worker are down. */
const started: { name: string; stop(): Promise<void> }[] = [];

let stopping = false;
let stopSignalAt = 0;
let requestStop!: () => void;
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
class Stopped extends Error {}
const unlessStopping = () => {
  if (stopping) throw new Stopped();
};

async function requireFreePort(port: number, what: string, hint: string): Promise<void> {
  if (await portAnswers(port)) throw new Error(`Port ${port} (${what}) is already in use: ${hint}.`);
}

async function startTemporal(): Promise<{ address: string; uiUrl?: string }> {
  if (process.env.TEMPORAL_ADDRESS) return { address: process.env.TEMPORAL_ADDRESS };
  const leftover =
    'is an earlier `npm start` still running? To use a server that is already there, set TEMPORAL_ADDRESS';
  await requireFreePort(PORTS.temporal, 'Temporal', leftover);
  await requireFreePort(PORTS.temporalUi, 'Temporal Web UI', leftover);
  const { temporal } = ensureTools();
  const server = await startDevServer({
    bin: temporal,
    port: PORTS.temporal,
    uiPort: PORTS.temporalUi,
    // The UI decodes payloads through the API's codec server, with the local manager key in the path (no SSO here to add a header).
    uiCodecEndpoint: `http://localhost:${loadConfig({ PORT: process.env.PORT }).PORT}/codec/key/${localCodecKey()}`,
    dbFile: path.join(DATA, 'temporal.db'),
    logFile: path.join(DATA, 'temporal.log'),
    detached: true,
  });
  started.push({ name: 'Temporal dev server', stop: server.stop });
  process.once('exit', () => server.child.kill()); // a crash must not leave the detached server behind
  await registerSearchAttributes(temporal, server.address);
  return { address: server.address, uiUrl: `http://localhost:${PORTS.temporalUi}` };
}

async function startDatabase(): Promise<{ url: string; kind: string }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, kind: 'from DATABASE_URL' };
  const server = await findPostgres({
    embeddedDir: path.join(DATA, 'pg'),
    embeddedPort: PORTS.embeddedPostgres,
    skipLocal: process.env.RIPEN_EMBEDDED_PG === '1',
    async startEmbedded(dir, port) {
      await requireFreePort(port, 'embedded PostgreSQL', 'is an earlier `npm start` still running?');
      return startEmbeddedPostgresProcess(dir, port, path.join(DATA, 'postgres.log'));
    },
  });
  if (server.kind !== 'embedded') return { url: await ensureDatabase(server.adminUrl, 'ripen'), kind: 'local server' };
  started.push({ name: 'embedded PostgreSQL', stop: server.stop });
  return { url: await ensureDatabase(server.adminUrl, 'ripen'), kind: 'embedded, data in data/pg' };
}

async function startMail(): Promise<{ url: string; inboxUrl?: string }> {
  if (process.env.SMTP_URL) return { url: process.env.SMTP_URL };
  const leftover = 'is an earlier `npm start` still running? To send to another SMTP server, set SMTP_URL';
  await requireFreePort(PORTS.smtp, 'SMTP', leftover);
  await requireFreePort(PORTS.inbox, 'mail inbox', leftover);
  mkdirSync(path.join(DATA, 'mail'), { recursive: true });
  const maildev = await startMaildev({
    smtpPort: PORTS.smtp,
    webPort: PORTS.inbox,
    mailDirectory: path.join(DATA, 'mail'),
    logFile: path.join(DATA, 'maildev.log'),
    detached: true,
  });
  started.push({ name: 'maildev', stop: maildev.stop });
  process.once('exit', () => maildev.child.kill());
  return { url: `smtp://127.0.0.1:${PORTS.smtp}`, inboxUrl: `http://localhost:${PORTS.inbox}` };
}

/** Starts all three side by side; if one fails, the others are still registered for stopping. */
async function startServers() {
  const [temporal, database, mail] = await Promise.allSettled([startTemporal(), startDatabase(), startMail()]);
  for (const result of [temporal, database, mail]) if (result.status === 'rejected') throw result.reason;
  const value = <T>(r: PromiseSettledResult<T>) => (r as PromiseFulfilledResult<T>).value;
  return { temporal: value(temporal), database: value(database), mail: value(mail) };
}

/** The secret for link tokens and suppression hashes: made once, kept under data/ so links in sent mail keep working. */
function localSecret(): string {
  const file = path.join(DATA, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The master keyring that wraps data keys: made once under data/, so payloads of earlier runs stay readable. */
function localMasterKeys(): string {
  const file = path.join(DATA, 'master-keys');
  if (!existsSync(file)) writeFileSync(file, newKeyEntry('master'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The manager key the local Temporal UI reads payloads with: made once under data/, registered at every start. */
function localCodecKey(): string {
  const file = path.join(DATA, 'codec-key');
  if (!existsSync(file)) writeFileSync(file, `rk_manager_${randomBytes(24).toString('base64url')}`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function registerCodecKey(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    await db.query(
      "INSERT INTO api_keys (key_hash, role, label) VALUES ($1, 'manager', 'local Temporal UI codec') ON CONFLICT (key_hash) DO NOTHING",
      [hashKey(localCodecKey())],
    );
  } finally {
    await db.close();
  }
}

/** The first start creates an admin key and shows it once; later starts only say how to get another. */
async function adminKeyLines(databaseUrl: string): Promise<string[]> {
  if (process.env.RIPEN_ADMIN_KEY) return ['Admin key      the one in RIPEN_ADMIN_KEY'];
  const db = createDb(databaseUrl, { max: 1 });
  try {
    // keys:create reads DATABASE_URL; spell it out unless it is the default (never with a password).
    const target =
      databaseUrl === loadConfig({}).DATABASE_URL
        ? ''
        : new URL(databaseUrl).password
          ? 'DATABASE_URL=<yours> '
          : `DATABASE_URL='${databaseUrl}' `;
    const another = `${target}npm run keys:create -- --role admin`;
    if ((await countAdminKeys(db)) > 0)
      return ['Admin key      created at the first start (shown once then)', `               another one: ${another}`];
    const key = await createApiKey(db, 'admin', { label: 'first local run' });
    return [
      `Admin key      ${key}`,
      '               shown only now (keys are stored hashed): keep it',
      `               more keys: ${another}`,
    ];
  } finally {
    await db.close();
  }
}

/** How many reps can take leads: none on a fresh database, and then `npm start` says how to add one. */
async function activeReps(databaseUrl: string): Promise<number> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM reps WHERE active');
    return row?.n ?? 0;
  } finally {
    await db.close();
  }
}

/** The worker's state changes, tapped to know when it polls (its log lines go to the JSON logger). */
let onWorkerState: (state: string) => void = () => undefined;
function workerLog(entry: Pick<LogEntry, 'message' | 'meta'>): void {
  if (entry.message === 'Worker state changed') onWorkerState(String(entry.meta?.state));
}

/** JSON logs to stderr, warnings and up unless LOG_LEVEL says otherwise: the console stays readable. */
const logger = createLogger({
  level: loadConfig({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }).LOG_LEVEL,
  destination: process.stderr,
});

function onSignal(signal: NodeJS.Signals): void {
  // npm forwards the terminal's Ctrl-C to us as well, so one keypress can arrive twice: stay quiet about that one.
  if (stopping) return void (Date.now() - stopSignalAt > 1_000 && say(`${signal} again: still stopping, a moment…`));
  stopping = true;
  stopSignalAt = Date.now();
  say(`${signal}: stopping (the API, then the worker, then the servers)…`);
  setTimeout(() => {
    console.error(`[ripen] not stopped after ${STOP_TIMEOUT_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, STOP_TIMEOUT_MS).unref();
  requestStop();
}

/** SIGHUP too: closing the terminal must not orphan the servers, which run in process groups of their own. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

async function main(): Promise<number> {
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // After SIGHUP the terminal is gone: a failed write must not crash the shutdown.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // Installed first so the SDK's own signal hook (which drains the worker) is in place from the start:
  // a signal during start-up then also stops a worker that is still being built.
  const metricsPort = loadConfig({ WORKER_METRICS_PORT: process.env.WORKER_METRICS_PORT }).WORKER_METRICS_PORT;
  installWorkerRuntime({
    logger,
    onEntry: workerLog,
    shutdownSignals: STOP_SIGNALS,
    metricsPort,
    metricsHost: '127.0.0.1',
  });
  mkdirSync(DATA, { recursive: true });

  let api: RunningApi | undefined;
  let worker: Promise<void> | undefined;
  let exitCode = 0;
  try {
    // Checked up front: the API listens on all interfaces, which can succeed beside a server on 127.0.0.1.
    const apiPort = loadConfig({ PORT: process.env.PORT }).PORT;
    await requireFreePort(apiPort, 'API', 'is an earlier `npm start` still running? Set PORT to use another port');
    say('starting Temporal, PostgreSQL and the mail catcher…');
    const { temporal, database, mail } = await startServers();
    unlessStopping();
    await migrate(database.url);
    const adminKey = await adminKeyLines(database.url);
    const reps = await activeReps(database.url);
    if (temporal.uiUrl) await registerCodecKey(database.url);
    unlessStopping();
    // Before loadConfig() runs in startApi and runWorker, so both use what was just started.
    Object.assign(process.env, {
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: database.url,
      SMTP_URL: mail.url,
      RIPEN_SECRET: process.env.RIPEN_SECRET ?? localSecret(),
      RIPEN_MASTER_KEYS: process.env.RIPEN_MASTER_KEYS ?? localMasterKeys(),
      ...(temporal.uiUrl && !process.env.TEMPORAL_UI_ORIGIN ? { TEMPORAL_UI_ORIGIN: temporal.uiUrl } : {}),
    });
    const config = loadConfig();
    api = await startApi(config, logger);
    unlessStopping();
    say('starting the worker (bundling the workflows takes a few seconds)…');
    const running = new Promise<void>((resolve) => (onWorkerState = (state) => state === 'RUNNING' && resolve()));
    worker = runWorker();
    await Promise.race([running, worker, stopRequested]);
    unlessStopping();

    const namespace = config.TEMPORAL_NAMESPACE;
    const leadsQuery = encodeURIComponent(`TaskQueue="${config.TEMPORAL_TASK_QUEUE}"`);
    console.log(
      [
        '',
        'Ripen is running. Ctrl-C stops everything; data/ keeps it for the next start.',
        `  API            ${api.url}   (POST /v1/leads; every route: ${api.url}/docs)`,
        `  Metrics        ${api.url}/metrics (API)${metricsPort ? `, http://127.0.0.1:${metricsPort}/metrics (worker)` : ''}`,
        temporal.uiUrl
          ? `  Temporal UI    ${temporal.uiUrl}/namespaces/${namespace}/workflows\n  Lead workflows ${temporal.uiUrl}/namespaces/${namespace}/workflows?query=${leadsQuery}`
          : `  Temporal UI    your cluster's, namespace ${namespace} (register Ripen's search attributes there once: see the README)`,
        `  Temporal       ${temporal.address}`,
        `  Mail inbox     ${mail.inboxUrl ?? `none started: mail goes to ${withoutPassword(mail.url)}`}`,
        `  Database       ${withoutPassword(database.url)} (${database.kind})`,
        ...adminKey.map((line) => `  ${line}`),
        ...repsStatusLines(reps, api.url, config.SENDER_IDENTITY).map((line) => `  ${line}`),
        `  Logs           ${path.relative(process.cwd(), DATA) || '.'}/*.log`,
        config.RIPEN_TIME_SCALE === 1
          ? '  Demo           `RIPEN_TIME_SCALE=720 npm start` (a day in two minutes), then `npm run demo`'
          : `  Demo           clock compressed ${config.RIPEN_TIME_SCALE}× for new leads: \`npm run demo\` plays a few dozen leads through every stage`,
        '',
      ].join('\n'),
    );
    // What `npm run demo` (and other local tools) need to find this stack; removed when it stops.
    writeFileSync(
      STACK_FILE,
      JSON.stringify(
        {
          apiUrl: api.url,
          databaseUrl: database.url,
          inboxUrl: mail.inboxUrl,
          temporalUiUrl: temporal.uiUrl,
          timeScale: config.RIPEN_TIME_SCALE,
          pid: process.pid,
        },
        null,
        2,
      ),
      { mode: 0o600 },
    );
    await Promise.race([worker, stopRequested]);
    if (!stopping) throw new Error('The worker stopped on its own');
  } catch (err) {
    if (!(err instanceof Stopped)) {
      console.error('[ripen] failed:', err instanceof Error ? err.message : err);
      exitCode = 1;
    }
  } finally {
    rmSync(STACK_FILE, { force: true });
    await api?.close();
    if (api) say('API closed');
    // On a signal the SDK shuts the worker down by itself; waiting here lets it drain while Temporal is still up.
    if (worker) {
      await worker.catch(() => undefined); // a failure was reported above
      say('worker stopped');
    }
    for (const server of started.reverse()) {
      await server.stop();
      say(`${server.name} stopped`);
    }
  }
  return exitCode;
}

void main().then((code) => process.exit(code));
