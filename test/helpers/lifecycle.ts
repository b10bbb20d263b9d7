/**
 * A lead's whole life on the time-skipping server, with the real activities against the run's
 * database and an in-process SMTP server: months of cadence run in seconds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WorkflowClient, WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import { capture } from '../../api/capture';
import { createLeadClient } from '../../api/lead-client';
import { endLead } from '../../preview/runner';
import type { CaptureLeadBody } from '../../api/schemas';
import { createDb, type Db } from '../../db';
import { createLeadWorker } from '../../worker';
import { leadStateQuery, leadWorkflowId, type LeadState, type LeadWorkflowInput } from '../../workflows/contracts';
import type { leadWorkflow } from '../../workflows';
import { testRun } from '../setup/run';
import { startSmtpRecorder, type SmtpRecorder } from './smtp';
import { MAIL, SECRET, testDataKeys, uniqueTaskQueue, workflowBundle } from './stack';
import { LeadPayloadCodec } from '../../privacy/codec';
import { ripenDataConverter } from '../../privacy/data-converter';
import { decodeHistory } from '../../privacy/history';
import { connectTimeSkipping } from './time-skipping';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

/** A workflow run: its latest when `runId` is left out. */
export interface RunRef {
  workflowId: string;
  runId?: string;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  db: Db;
  smtp: SmtpRecorder;
  taskQueue: string;
  /** A unique suffix for this harness's reps, territories and e-mail addresses. */
  tag: string;
  /** Captures a lead through the same use-case as POST /v1/leads. */
  capture(
    body: Partial<CaptureLeadBody>,
    options?: { policy?: LeadWorkflowInput['policy']; historyLimit?: number },
  ): Promise<{ leadId: string; handle: WorkflowHandle<typeof leadWorkflow> }>;
  /**
   * With RIPEN_RECORD_HISTORIES=1 (`npm run histories:record`), stores every run of the lead's
   * workflow under test/histories/ (each run and the runs it continued from), where the
   * replay test checks them against the current code. RIPEN_HISTORY_VERSION (e.g. the patch that
   * made the change) is added to the file names, so histories of older code are kept beside them.
   */
  record(name: string, ...runs: RunRef[]): Promise<void>;
  /** Adds a rep (with a manager) covering a territory. */
  addRep(
    id: string,
    territory: { country: string; city?: string },
  ): Promise<{ repId: string; email: string; managerEmail: string }>;
  close(): Promise<void>;
}

export async function startHarness(name: string): Promise<Harness> {
  const db = createDb(testRun().databaseUrl);
  const keys = testDataKeys();
  const dataConverter = ripenDataConverter(keys);
  const env = await connectTimeSkipping(dataConverter);
  const smtp = await startSmtpRecorder();
  const mailer = nodemailer.createTransport(smtp.url);
  const taskQueue = uniqueTaskQueue(name);
  const tag = taskQueue
    .replace(/[^a-z0-9]/gi, '')
    .slice(-10)
    .toLowerCase();
  const worker = await createLeadWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { db, mailer, mail: MAIL },
    workflowBundle: workflowBundle(),
    dataConverter,
  });
  const running = worker.run();
  // Every lead this harness started: terminated on close, since a lead left running on a queue with no worker
  // holds up time skipping for every later test on the shared server.
  const started = new Set<string>();
  return {
    env,
    db,
    smtp,
    taskQueue,
    tag,
    async capture(body, options = {}) {
      const { leadId } = await capture(
        {
          db,
          leads: createLeadClient({ temporal: env.client, taskQueue, deadlineMs: 10_000, workflowOptions: options }),
          secret: SECRET,
        },
        { source: { channel: 'web-form' }, ...body } as CaptureLeadBody,
        new Date(await env.currentTimeMs()),
      );
      started.add(leadWorkflowId(leadId));
      return { leadId, handle: env.client.workflow.getHandle<typeof leadWorkflow>(leadWorkflowId(leadId)) };
    },
    async record(name, ...runs) {
      if (process.env.RIPEN_RECORD_HISTORIES !== '1') return;
      mkdirSync(HISTORIES_DIR, { recursive: true });
      const histories = [];
      for (const run of runs) histories.push(...(await runChain(env.client.workflow, run)));
      // Stored decoded: the replay test has no keys (they lived in this run's database, dropped at its end).
      for (const history of histories) await decodeHistory(history, new LeadPayloadCodec(keys));
      const version = process.env.RIPEN_HISTORY_VERSION ? `@${process.env.RIPEN_HISTORY_VERSION}` : '';
      for (const [i, history] of histories.entries()) {
        writeFileSync(
          path.join(HISTORIES_DIR, `${name}${version}${histories.length > 1 ? `.run${i + 1}` : ''}.json`),
          historyToJSON(history),
        );
      }
    },
    async addRep(id, territory) {
      const repId = `${id}-${tag}`;
      const email = `${repId}@reps.ripen.test`;
      const managerEmail = `manager-${repId}@reps.ripen.test`;
      await db.query('INSERT INTO reps (id, name, email, manager_email) VALUES ($1, $2, $3, $4)', [
        repId,
        `Rep ${id}`,
        email,
        managerEmail,
      ]);
      await db.query('INSERT INTO territories (rep_id, country, city) VALUES ($1, $2, $3)', [
        repId,
        territory.country,
        territory.city ?? null,
      ]);
      return { repId, email, managerEmail };
    },
    async close() {
      // Ended by their own runs, not terminated mid-task (see endLead).
      await Promise.all([...started].map((id) => endLead(env.client.workflow.getHandle(id))));
      worker.shutdown();
      await running;
      mailer.close();
      await smtp.close();
      await keys.close();
      await db.close();
      await env.teardown();
    },
  };
}

/**
 * The histories of a run and of every run it continued from (continueAsNew), oldest first. The
 * time-skipping server has no visibility store to list runs, so the chain is walked back.
 */
export async function runChain(client: WorkflowClient, run: RunRef): Promise<History[]> {
  const chain: History[] = [];
  let runId: string | undefined = run.runId ?? (await client.getHandle(run.workflowId).describe()).runId;
  while (runId) {
    const history = await client.getHandle(run.workflowId, runId).fetchHistory();
    chain.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return chain;
}

/** Polls the workflow's state query until the predicate holds (queries do not move the test server's clock). */
export async function waitForState(
  handle: WorkflowHandle,
  predicate: (s: LeadState) => boolean,
  timeoutMs = 20_000,
): Promise<LeadState> {
  const deadline = Date.now() + timeoutMs;
  let last: LeadState | undefined;
  for (;;) {
    try {
      // Each query with a deadline: on the time-skipping server, a query that reaches a run just as it
      // continues as new is never answered; the next one goes to the new run.
      last = await handle.client.connection.withDeadline(Date.now() + 3_000, () => handle.query(leadStateQuery));
      if (predicate(last)) return last;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline)
      throw new Error(`state not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The lead's audit trail as `from→to` strings, oldest first. */
export async function stageTrail(db: Db, leadId: string): Promise<string[]> {
  const rows = await db.query('SELECT from_stage, to_stage FROM stage_changes WHERE lead_id = $1 ORDER BY at, id', [
    leadId,
  ]);
  return rows.map((r) => `${r.from_stage}→${r.to_stage}`);
}

export const DAY = 24 * 60 * 60 * 1000;
