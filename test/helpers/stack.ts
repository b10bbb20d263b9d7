import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createApp, type AppDeps } from '../../api/app';
import { createDb, type Db } from '../../db';
import { createApiKey, type Role } from '../../db/keys';
import { LeadPayloadCodec } from '../../privacy/codec';
import { ripenDataConverter } from '../../privacy/data-converter';
import { openDataKeyStore, type DataKeyStore } from '../../privacy/data-keys';
import { parseKeyring } from '../../privacy/keyring';
import { createLeadWorker, type LeadWorkers } from '../../worker';
import { testRun } from '../setup/run';
import { startSmtpRecorder, type SmtpRecorder } from './smtp';
import { waitUntil } from './wait';

export const SECRET = 'ripen-test-secret-0123456789abcdef';
export const PUBLIC_URL = 'https://ripen.test';
export const MAIL = {
  from: 'Ripen Test <hello@ripen.test>',
  messageIdDomain: 'ripen.test',
  managerEmail: 'manager@ripen.test',
  secret: SECRET,
  publicUrl: PUBLIC_URL,
  senderIdentity: 'Ripen Test Oy',
  postalAddress: 'Testikatu 1, 90100 Oulu, Finland',
  unsubscribeMailto: 'unsubscribe@ripen.test',
};

/** The test runs' master keyring (RIPEN_MASTER_KEYS): every test wraps its data keys with it. */
export const MASTER_KEYS = 'test-master-1:' + Buffer.alloc(32, 7).toString('base64');
export const masterKeyring = () => parseKeyring(MASTER_KEYS, { name: 'MASTER_KEYS', exactBytes: 32 });

/** A data-key store on the run's database with a pool of its own, as the API and the worker each have one. */
export function testDataKeys(): DataKeyStore & { close(): Promise<void> } {
  return openDataKeyStore(testRun().databaseUrl, masterKeyring());
}

/** The Temporal UI origin the test stack's codec server allows (CORS). */
export const UI_ORIGIN = 'http://127.0.0.1:8233';

let bundleCode: string | undefined;
/** The workflow bundle the global setup built once for the whole run. */
export function workflowBundle(): { code: string } {
  bundleCode ??= readFileSync(testRun().workflowBundlePath, 'utf8');
  return { code: bundleCode };
}

/** A task queue of this test's own, so tests never pick up each other's workflows. */
export function uniqueTaskQueue(name: string): string {
  return `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface Stack {
  db: Db;
  smtp: SmtpRecorder;
  client: Client;
  /** The data keys the stack's client and worker encrypt with. */
  keys: DataKeyStore;
  taskQueue: string;
  apiUrl: string;
  /** The in-process worker (undefined with `worker: false`, until `startWorker`). */
  worker: LeadWorkers | undefined;
  /** Starts the in-process worker of a stack started with `worker: false` (leads captured before it waited, as in an outage). */
  startWorker(): Promise<void>;
  /** One JSON request to the API: its status and parsed body. */
  call(
    method: string,
    path: string,
    auth: Record<string, string>,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  /** Creates an API key with that role and returns the `Authorization` header for it. */
  authAs(role: Role, repId?: string): Promise<Record<string, string>>;
  /** A rep (e-mail `<repId>@reps.ripen.test`) covering one territory. */
  addRep(repId: string, name: string, territory: { country: string; city?: string }): Promise<void>;
  /** Captures a new lead (201) and waits until its row is in contacting, routed to this rep; answers its id. */
  routedLead(auth: Record<string, string>, body: Record<string, unknown>, repId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole pipeline on real parts: the run's Temporal dev server and database, an in-process
 * SMTP server, a worker on a task queue of its own, and the API on an ephemeral port.
 */
export async function startStack(
  name: string,
  options: {
    worker?: boolean;
    emailsPerSecond?: number;
    /** The worker's memory budget in MiB (bounds its sticky cache); the SDK's default if omitted. */
    memoryBudgetMb?: number;
    app?: Partial<AppDeps>;
    /** Another Temporal server than the run's (the codec UI test's, with a Web UI). */ temporalAddress?: string;
    /** A fixed API port instead of an ephemeral one. */ apiPort?: number;
  } = {},
): Promise<Stack> {
  const run = testRun();
  const taskQueue = uniqueTaskQueue(name);
  const db = createDb(run.databaseUrl);
  const smtp = await startSmtpRecorder();
  const temporalAddress = options.temporalAddress ?? run.temporalAddress;
  const connection = await Connection.connect({ address: temporalAddress });
  const keys = testDataKeys();
  const dataConverter = ripenDataConverter(keys);
  const client = new Client({ connection, dataConverter });
  let worker: LeadWorkers | undefined;
  let workerRun: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  const mailer = nodemailer.createTransport(smtp.url);
  async function startWorker(): Promise<void> {
    if (worker) return;
    nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    worker = await createLeadWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { db, mailer, mail: MAIL },
      workflowBundle: workflowBundle(),
      emailsPerSecond: options.emailsPerSecond,
      memoryBudgetMb: options.memoryBudgetMb,
      dataConverter,
    });
    workerRun = worker.run();
  }
  if (options.worker !== false) await startWorker();
  // Every test client is 127.0.0.1, and bursts are what some tests are about: no rate limit unless a test sets one (test/operations.test.ts).
  const app = createApp({
    db,
    temporal: client,
    taskQueue,
    secret: SECRET,
    codec: new LeadPayloadCodec(keys),
    temporalUiOrigin: UI_ORIGIN,
    rateLimits: { capturePerWindow: Number.MAX_SAFE_INTEGER, publicPerWindow: Number.MAX_SAFE_INTEGER },
    ...options.app,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.apiPort ?? 0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call: Stack['call'] = async (method, path, auth, body, headers = {}) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...auth, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    db,
    smtp,
    client,
    keys,
    taskQueue,
    apiUrl,
    get worker() {
      return worker;
    },
    startWorker,
    call,
    async authAs(role, repId) {
      const key = await createApiKey(db, role, {
        repId: repId ?? (role === 'rep' ? 'rep-test' : undefined),
        label: `test ${name}`,
      });
      return { authorization: `Bearer ${key}` };
    },
    async addRep(repId, repName, { country, city }) {
      await db.query('INSERT INTO reps (id, name, email) VALUES ($1, $2, $3)', [
        repId,
        repName,
        `${repId}@reps.ripen.test`,
      ]);
      await db.query('INSERT INTO territories (rep_id, country, city) VALUES ($1, $2, $3)', [
        repId,
        country,
        city ?? null,
      ]);
    },
    async routedLead(auth, body, repId) {
      const res = await call('POST', '/v1/leads', auth, body);
      if (res.status !== 201) throw new Error(`capture answered ${res.status}: ${JSON.stringify(res.body)}`);
      const leadId: string = res.body.leadId;
      await waitUntil(async () => {
        const [row] = await db.query<{ stage: string; assigned_rep_id: string | null }>(
          'SELECT stage, assigned_rep_id FROM leads WHERE id = $1',
          [leadId],
        );
        return row!.stage === 'contacting' && row!.assigned_rep_id === repId;
      }, 60_000);
      return leadId;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (worker) {
        worker.shutdown();
        await workerRun;
      }
      await nativeConnection?.close();
      await connection.close();
      mailer.close();
      await smtp.close();
      await keys.close();
      await db.close();
    },
  };
}
