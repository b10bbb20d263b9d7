/**
 * The reconciliation sweep (issue 12.6), run by a Temporal Schedule (worker/reconcile.ts): finds
 * lead rows without a running or closed workflow and starts the missing run; gives a workflow the
 * capture it did not get (stored while Temporal did not answer: api/capture.ts); sends workflows the
 * engagement stored while Temporal did not confirm its signal (api/engagement.ts); finds leads whose
 * board row disagrees with their workflow and has the workflow write the row again; forgets old
 * API request records. Each run checks one batch of leads, the next run the next batch.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Db } from '../db';
import { leadWorkflowInput } from '../db/leads';
import { clearUnconfirmed, unconfirmedEngagements } from '../db/engagements';
import { deleteOldRequests, leadsById, nextBatch, type ReconcileRow } from '../db/reconcile';
import type { leadWorkflow } from '../workflows';
import {
  captureSignal,
  engagementsSignal,
  leadStateQuery,
  leadWorkflowId,
  resyncSignal,
  type CaptureTouch,
  type EngagementSignal,
  type LeadWorkflowInput,
} from '../workflows/contracts';

export interface ReconcileDeps {
  db: Db;
  temporal: Client;
  /** The lead workflows' task queue. */
  taskQueue: string;
  workflowOptions?: Pick<LeadWorkflowInput, 'policy' | 'historyLimit' | 'timeScale'>;
  /** Leads checked per run (default 500). */
  batch?: number;
  /** Rows written less than this long ago are left for the next run (default 120 s): a capture may still be committing. */
  graceSeconds?: number;
  /** API request records older than this are deleted (default 30 days). */
  requestRetentionDays?: number;
}

export interface ReconcileReport {
  checked: number;
  /** Runs started for leads that had none (or only a failed or terminated one, or a capture after it closed). */
  started: string[];
  /** Leads whose running workflow had not got their last capture, and now has. */
  recaptured: string[];
  /** Leads whose row disagreed with their workflow and were re-synced through it. */
  resynced: string[];
  /** Leads whose workflow was sent again engagement stored while Temporal did not confirm its signal. */
  redelivered: string[];
  /** Leads that could not be checked this time (Temporal did not answer): the next pass tries again. */
  failed: string[];
  requestsDeleted: number;
}

/** A run status after which the lead has no workflow doing its job: a new run continues from the row. */
const BROKEN = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);

export function createReconcileActivities(deps: ReconcileDeps) {
  const { db, temporal, taskQueue } = deps;

  /** The lead's last capture as its workflow gets it, with the buyer stage the row holds since. */
  const lastCapture = (lead: ReconcileRow): CaptureTouch => ({
    touchId: lead.touch_id ?? `reconcile-${lead.id}`,
    at: new Date(lead.touch_at ?? lead.last_touch_at).toISOString(),
    source: lead.touch_source ?? lead.first_source,
    ...(lead.buyer_stage ? { buyerStage: lead.buyer_stage } : {}),
  });

  async function startMissingRun(lead: ReconcileRow): Promise<void> {
    const touch = lastCapture(lead);
    // USE_EXISTING: a capture that started the run meanwhile wins, and only gets this capture touch again.
    await temporal.workflow.signalWithStart<typeof leadWorkflow, [CaptureTouch]>('leadWorkflow', {
      workflowId: leadWorkflowId(lead.id),
      taskQueue,
      args: [leadWorkflowInput(lead, { created: lead.stage === 'new', workflowOptions: deps.workflowOptions })],
      signal: captureSignal,
      signalArgs: [touch],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Lead from ${lead.first_source.channel} (started by the reconciliation sweep)`,
    });
  }

  /** What was repaired, or undefined when the lead's row and workflow agree. */
  async function reconcile(lead: ReconcileRow): Promise<'started' | 'recaptured' | 'resynced' | undefined> {
    const handle = temporal.workflow.getHandle(leadWorkflowId(lead.id));
    let status: string;
    let closedAt: Date | undefined;
    try {
      ({
        status: { name: status },
        closeTime: closedAt,
      } = await handle.describe());
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await startMissingRun(lead);
      return 'started';
    }
    if (BROKEN.has(status)) {
      await startMissingRun(lead);
      return 'started';
    }
    if (status !== 'RUNNING') {
      // Closed: its last writes landed before it closed. A capture stored after that never reached it: a new run takes it.
      if (!lead.touch_at || !closedAt || new Date(lead.touch_at) <= closedAt) return undefined;
      await startMissingRun(lead);
      return 'started';
    }
    const state = await temporal.connection.withDeadline(Date.now() + 10_000, () => handle.query(leadStateQuery));
    // A capture stored but never signalled (older runs' state does not say which they got: left alone).
    if (state.lastCaptureTouchId !== undefined && lead.touch_id && state.lastCaptureTouchId !== lead.touch_id) {
      await handle.signal(captureSignal, lastCapture(lead));
      return 'recaptured';
    }
    // The rep is compared only once the workflow knows it (routing writes the row first, then reports back).
    const agrees =
      state.stage === lead.stage &&
      (state.assignedRep === null || state.assignedRep === lead.assigned_rep_id) &&
      state.attempts === lead.attempts;
    if (agrees) return undefined;
    await handle.signal(resyncSignal);
    return 'resynced';
  }

  /**
   * Engagement stored while Temporal did not confirm its signal, sent again to each lead's workflow
   * (it applies a stored engagement once, so one that did arrive changes nothing). A lead with no run
   * to tell keeps the touches on its timeline and in its score.
   */
  async function redeliver(report: ReconcileReport, leadIds?: string[]): Promise<void> {
    const byLead = new Map<string, { touchKey: string; signal: EngagementSignal }[]>();
    for (const e of await unconfirmedEngagements(db, deps.batch ?? 500, leadIds)) {
      const signal = { requestId: e.touchKey, event: e.event, at: e.at.toISOString(), recorded: true };
      byLead.set(e.leadId, [...(byLead.get(e.leadId) ?? []), { touchKey: e.touchKey, signal }]);
    }
    for (const [leadId, list] of byLead) {
      try {
        await temporal.workflow.getHandle(leadWorkflowId(leadId)).signal(
          engagementsSignal,
          list.map((x) => x.signal),
        );
        report.redelivered.push(leadId);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) {
          report.failed.push(leadId);
          continue;
        }
      }
      await clearUnconfirmed(
        db,
        list.map((x) => x.touchKey),
      );
    }
  }

  return {
    /**
     * One sweep: a batch of leads (or these leads), each repaired if needed; engagement not confirmed (these
     * leads' only, if given) sent again; old request records deleted.
     */
    async reconcileLeads(input: { leadIds?: string[] } = {}): Promise<ReconcileReport> {
      const leads = input.leadIds
        ? await leadsById(db, input.leadIds)
        : await nextBatch(db, deps.batch ?? 500, deps.graceSeconds ?? 120);
      const report: ReconcileReport = {
        checked: leads.length,
        started: [],
        recaptured: [],
        resynced: [],
        redelivered: [],
        failed: [],
        requestsDeleted: 0,
      };
      for (const lead of leads) {
        try {
          const done = await reconcile(lead);
          if (done) report[done].push(lead.id);
        } catch {
          report.failed.push(lead.id); // one lead Temporal cannot answer for does not stop the others
        }
      }
      await redeliver(report, input.leadIds);
      report.requestsDeleted = await deleteOldRequests(db, deps.requestRetentionDays ?? 30);
      return report;
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
