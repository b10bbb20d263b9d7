/**
 * The cadence preview: runs the real lead workflow on a time-skipping test server with stub
 * activities (no database, no SMTP) and returns the lead's timeline — each send, task and wait
 * with its simulated local time, each branch and why, the score after each event, the stage
 * changes, and where the lead ends. The CLI (npm run cadence:preview) and the golden-timeline
 * tests share it.
 */
import { randomUUID } from 'node:crypto';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { cadenceById, NURTURE_TRACKS } from '../cadences';
import { formatLocal, localTime, timeZoneFor, zonedInstant } from '../cadences/send-window';
import { BUYER_STAGES, isAdvanced, type RepOutcome } from '../domain/lifecycle';
import {
  captureSignal,
  eraseSignal,
  emailTaskQueue,
  noticesTaskQueue,
  engagementSignal,
  leadStateQuery,
  leadWorkflowId,
  reportOutcomeUpdate,
  type EngagementEvent,
  type LeadState,
  type LeadWorkflowInput,
} from '../workflows/contracts';
import { createStubActivities, type PreviewLead } from './stub-activities';

/** Something that happens to the lead, `after` the cadence has started. */
export type PreviewEvent =
  | { after: Duration; type: 'engagement'; event: EngagementEvent }
  | { after: Duration; type: 'outcome'; outcome: RepOutcome }
  | { after: Duration; type: 'capture'; buyerStage?: string };

export interface PreviewOptions {
  /** The time-skipping test server's address. */
  address: string;
  workflowBundle: { code: string };
  cadence: string;
  lead?: PreviewLead;
  events?: PreviewEvent[];
  /** How long to follow the lead after its cadence starts (default: 90 days). */
  days?: number;
}

export interface TimelineLine {
  at: number;
  /** Days since the cadence started. */
  day: number;
  local: string;
  what: string;
}

export interface PreviewResult {
  cadence: string;
  timeZone: string;
  startedAt: number;
  lines: TimelineLine[];
  end: LeadState;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A lead that fits a little (a Finnish analyst at a small consultancy): cold, so it stays in nurture. */
const DEFAULT_LEAD: PreviewLead = {
  firstName: 'Aino',
  country: 'FI',
  industry: 'consulting',
  companySize: '11-50',
  title: 'Analyst',
};

type Create = (opts: {
  server: { type: 'existing' };
  address: string;
  namespace: string;
  supportsTimeSkipping: true;
}) => Promise<TestWorkflowEnvironment>;

/** Attaches to a running time-skipping server (@temporalio/testing 1.24 offers this only through its shared factory). */
export function attachTimeSkipping(address: string): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as { create: Create }).create.bind(TestWorkflowEnvironment);
  return create({ server: { type: 'existing' }, address, namespace: 'default', supportsTimeSkipping: true });
}

/** How the workflow gets a lead into each cadence: the rep outcome that starts it, after the capture. */
function entryFor(cadence: string): RepOutcome | undefined {
  if (cadence === 'long-term-nurture') return 'not_interested';
  if (cadence === 'contact-attempts') return undefined;
  return 'reached';
}

/** The next Monday 08:00 in the lead's time zone: every preview starts at the same point of the week. */
function nextMondayMorning(now: number, timeZone: string): number {
  for (let d = 1; d <= 8; d++) {
    const t = localTime(now + d * DAY_MS, timeZone);
    if (t.weekday === 1) return zonedInstant(t.year, t.month, t.day, 8, timeZone);
  }
  throw new Error('no Monday in a week');
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`Preview: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function previewCadence(options: PreviewOptions): Promise<PreviewResult> {
  const cadence = cadenceById(options.cadence);
  if (!cadence) throw new Error(`No cadence ${options.cadence}`);
  const lead: PreviewLead = { ...DEFAULT_LEAD, ...options.lead };
  // A nurture track is entered in its buyer stage (R13): the first stage the tracks send to it. A lead captured in
  // the decision stage qualifies at once, so that stage comes from the rep who reaches the lead.
  lead.buyerStage ??= BUYER_STAGES.find((stage) => NURTURE_TRACKS.byStage[stage] === cadence.id);
  const stageFromRep = isAdvanced(lead.buyerStage, false) ? lead.buyerStage : undefined;
  const capturedStage = stageFromRep ? undefined : lead.buyerStage;
  const timeZone = timeZoneFor(lead, cadence.sendWindow?.fallbackTimeZone ?? 'Europe/Helsinki');
  const stubs = createStubActivities(lead);
  const env = await attachTimeSkipping(options.address);
  const taskQueue = `preview-${cadence.id}-${randomUUID().slice(0, 8)}`;
  const leadId = randomUUID();
  const handle = env.client.workflow.getHandle(leadWorkflowId(leadId));
  const state = () => handle.query(leadStateQuery);
  const runUntil = await previewWorkers(env, taskQueue, stubs, options.workflowBundle);
  const actor = { role: 'rep', repId: 'preview-rep' };

  const scenario = async (): Promise<{ startedAt: number; end: LeadState }> => {
    await env.sleep(nextMondayMorning(await env.currentTimeMs(), timeZone) - (await env.currentTimeMs()));
    const source = { channel: 'preview' };
    const input: LeadWorkflowInput = {
      leadId,
      source,
      reachableBy: { email: true, phone: true },
      buyerStage: capturedStage,
      marketingConsent: lead.consent !== false,
    };
    await env.client.workflow.signalWithStart('leadWorkflow', {
      workflowId: leadWorkflowId(leadId),
      taskQueue,
      args: [input],
      signal: captureSignal,
      signalArgs: [
        {
          touchId: randomUUID(),
          at: new Date(await env.currentTimeMs()).toISOString(),
          source,
          buyerStage: capturedStage,
        },
      ],
    });
    // Settled after the capture: routed, welcomed, and the contact cadence's first act given.
    await until(
      'the capture',
      state,
      (s) =>
        s.assignedRep !== null &&
        s.firstTouchEmailSent &&
        (s.cadence?.log.some((l) => l.what.startsWith('wait until')) ?? false),
    );
    const entry = entryFor(cadence.id);
    if (entry)
      await handle.executeUpdate(reportOutcomeUpdate, {
        args: [{ requestId: randomUUID(), outcome: entry, actor, buyerStage: stageFromRep }],
      });
    const inCadence = await until(`the start of ${cadence.id}`, state, (s) => s.cadence != null);
    if (inCadence.cadence?.id !== cadence.id) {
      throw new Error(
        `Preview: the lead went to ${inCadence.cadence?.id ?? 'no cadence'} (stage ${inCadence.stage}, buyer stage ${inCadence.buyerStage ?? 'unknown'}), not ${cadence.id}: adjust the lead fixture`,
      );
    }
    const startedAt = await env.currentTimeMs();
    const events = [...(options.events ?? [])].sort((a, b) => msToNumber(a.after) - msToNumber(b.after));
    for (const event of events) {
      const wait = startedAt + msToNumber(event.after) - (await env.currentTimeMs());
      if (wait > 0) await env.sleep(wait);
      const at = new Date(await env.currentTimeMs()).toISOString();
      const scored = stubs.records.filter((r) => r.kind === 'score' && r.leadId === leadId).length;
      if (event.type === 'outcome') {
        await handle
          .executeUpdate(reportOutcomeUpdate, { args: [{ requestId: randomUUID(), outcome: event.outcome, actor }] })
          .catch((err: Error) => {
            stubs.records.push({
              leadId,
              at: Date.parse(at),
              kind: 'notice',
              what: `outcome ${event.outcome} refused: ${err.cause instanceof Error ? err.cause.message : err.message}`,
            });
          });
      } else {
        if (event.type === 'engagement')
          await handle.signal(engagementSignal, { requestId: randomUUID(), event: event.event, at });
        else await handle.signal(captureSignal, { touchId: randomUUID(), at, source, buyerStage: event.buyerStage });
        await until(
          `the ${event.type} to be handled`,
          async () => stubs.records.filter((r) => r.kind === 'score' && r.leadId === leadId).length,
          (n) => n > scored,
        );
      }
    }
    const horizon = startedAt + (options.days ?? 90) * DAY_MS - (await env.currentTimeMs());
    if (horizon > 0) await env.sleep(horizon);
    return { startedAt, end: await state() };
  };

  try {
    // Never leave the lead running: on a shared time-skipping server it would hold up everyone's time skipping.
    const { startedAt, end } = await runUntil(scenario().finally(() => endLead(handle)));
    const fromLog = (end.cadence?.log ?? []).map((l) => ({ at: Date.parse(l.at), what: l.what }));
    const fromStubs = stubs.records
      .filter((r) => r.leadId === leadId)
      .filter((r) => r.kind === 'stage' || r.kind === 'score' || r.kind === 'notice')
      .map((r) => ({ at: r.at, what: r.what }));
    const lines = [...fromStubs, ...fromLog]
      .map((l, i) => ({ ...l, i }))
      // Effects decided together start at the same instant in any order: stage, then score, then notices.
      .sort((a, b) => a.at - b.at || rank(a.what) - rank(b.what) || a.i - b.i)
      .map(({ at, what }) => ({
        at,
        day: Math.max(0, calendarDays(startedAt, at, timeZone)),
        local: formatLocal(at, timeZone),
        what,
      }));
    lines.push({
      at: startedAt + (options.days ?? 90) * DAY_MS,
      day: calendarDays(startedAt, startedAt + (options.days ?? 90) * DAY_MS, timeZone),
      local: formatLocal(startedAt + (options.days ?? 90) * DAY_MS, timeZone),
      what: `end: stage ${end.stage}, score ${end.score ?? 0} (${end.grade ?? 'cold'}), ${end.cadence ? `cadence ${end.cadence.id} v${end.cadence.version} at ${end.cadence.step ?? 'its end'}` : 'no cadence'}; waiting for ${end.waitingFor}`,
    });
    return { cadence: cadence.id, timeZone, startedAt, lines, end };
  } finally {
    await env.teardown();
  }
}

/**
 * Ends a lead a preview or a test left running without terminating it mid-task: the time-skipping
 * server keeps its clock locked for an activity or workflow task of a run closed under it
 * (temporalio/sdk-java #1138, #3088), holding up every later time skip. The erase signal lets the run
 * end itself once its effects have reported back; only a run that does not end is terminated.
 */
export async function endLead(handle: WorkflowHandle): Promise<void> {
  try {
    await handle.signal(eraseSignal);
    for (let i = 0; i < 100 && (await handle.describe()).status.name === 'RUNNING'; i++)
      await new Promise((r) => setTimeout(r, 50));
    if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('preview over');
  } catch {
    // already closed
  }
}

/** Where a timeline line goes among lines of the same instant. */
function rank(what: string): number {
  return what.startsWith('stage ') ? 0 : what.startsWith('score ') ? 1 : 2;
}

/** Calendar days between two instants on the lead's wall calendar (a DST hour or a few milliseconds never shift a day). */
function calendarDays(from: number, to: number, timeZone: string): number {
  const day = (at: number) => {
    const t = localTime(at, timeZone);
    return Date.UTC(t.year, t.month - 1, t.day) / DAY_MS;
  };
  return day(to) - day(from);
}

/** The timeline as text: day, local time, what happened. */
export function formatTimeline(result: PreviewResult): string {
  const header = `Preview of ${result.cadence} (times in ${result.timeZone}, day 0 = cadence start)`;
  return [header, ...result.lines.map((l) => `day ${String(l.day).padStart(3)}  ${l.local}  ${l.what}`)].join('\n');
}

/**
 * The worker of each task queue a lead's run uses (lead, e-mail, notices), all on the stubs; the result runs a
 * scenario while they poll.
 */
async function previewWorkers(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  stubs: ReturnType<typeof createStubActivities>,
  workflowBundle: PreviewOptions['workflowBundle'],
): Promise<<T>(scenario: Promise<T>) => Promise<T>> {
  const connection = env.nativeConnection;
  const [lead, mail, notices] = await Promise.all([
    Worker.create({ connection, taskQueue, activities: stubs.activities, workflowBundle }),
    Worker.create({ connection, taskQueue: emailTaskQueue(taskQueue), activities: stubs.mail }),
    Worker.create({
      connection,
      taskQueue: noticesTaskQueue(taskQueue),
      activities: { notifyRep: stubs.mail.notifyRep, notifyManager: stubs.mail.notifyManager },
    }),
  ]);
  return (scenario) => lead.runUntil(mail.runUntil(notices.runUntil(scenario)));
}

/**
 * Many leads of one profile through the same cadence at once (the benchmark): started together,
 * followed for `days`, and counted. Returns how many cadence e-mails went out in all.
 */
export async function previewMany(
  options: Omit<PreviewOptions, 'events'> & { count: number },
): Promise<{ leads: number; emails: number; stages: string[] }> {
  const cadence = cadenceById(options.cadence);
  if (!cadence) throw new Error(`No cadence ${options.cadence}`);
  const lead: PreviewLead = { ...DEFAULT_LEAD, ...options.lead };
  const stubs = createStubActivities(lead);
  const env = await attachTimeSkipping(options.address);
  const taskQueue = `preview-many-${randomUUID().slice(0, 8)}`;
  const runUntil = await previewWorkers(env, taskQueue, stubs, options.workflowBundle);
  const actor = { role: 'rep', repId: 'preview-rep' };
  const source = { channel: 'preview' };
  const entry = entryFor(cadence.id);
  const scenario = async () => {
    const ids = Array.from({ length: options.count }, () => randomUUID());
    const handles = await Promise.all(
      ids.map(async (leadId) => {
        const input: LeadWorkflowInput = {
          leadId,
          source,
          reachableBy: { email: true, phone: true },
          buyerStage: lead.buyerStage,
          marketingConsent: lead.consent !== false,
        };
        const at = new Date(await env.currentTimeMs()).toISOString();
        await env.client.workflow.signalWithStart('leadWorkflow', {
          workflowId: leadWorkflowId(leadId),
          taskQueue,
          args: [input],
          signal: captureSignal,
          signalArgs: [{ touchId: randomUUID(), at, source }],
        });
        const handle = env.client.workflow.getHandle(leadWorkflowId(leadId));
        await until(
          'the capture',
          () => handle.query(leadStateQuery),
          (s) => s.stage !== 'new',
          60_000,
        );
        if (entry)
          await handle.executeUpdate(reportOutcomeUpdate, {
            args: [{ requestId: randomUUID(), outcome: entry, actor }],
          });
        return handle;
      }),
    );
    await env.sleep((options.days ?? 90) * DAY_MS);
    try {
      return await Promise.all(handles.map((h) => h.query(leadStateQuery)));
    } finally {
      await Promise.all(handles.map(endLead));
    }
  };
  try {
    const states = await runUntil(scenario());
    return {
      leads: states.length,
      emails: stubs.records.filter((r) => r.kind === 'email').length,
      stages: [...new Set(states.map((s) => s.stage))],
    };
  } finally {
    await env.teardown();
  }
}
