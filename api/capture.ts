import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { captureLead } from '../db/leads';
import { anyErased } from '../db/suppressions';
import { normalizeEmail, normalizePhone } from '../domain/identity';
import { addressHashes, type Secrets } from '../privacy/tokens';
import { HttpError } from './errors';
import {
  captureSignal,
  leadWorkflowId,
  SearchAttributes,
  type CaptureTouch,
  leadWorkflowInput,
  type LeadWorkflowInput,
} from '../workflows/contracts';
import type { leadWorkflow } from '../workflows';
import type { CaptureLeadBody } from './schemas';

export interface CaptureDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** How long the capture waits for Temporal before answering 503. */
  temporalDeadlineMs: number;
  /** Keys the suppression list's hashes: an erased person is not captured again by accident. */
  secret: Secrets;
  /** Policy overrides for new lead workflows (tests; a compressed clock for demos). */
  workflowOptions?: Pick<LeadWorkflowInput, 'policy' | 'historyLimit' | 'timeScale'>;
}

export interface CaptureOutcome {
  leadId: string;
  workflowId: string;
  created: boolean;
}

/**
 * R2, R3: every capture enters the same pipeline; a returning person re-engages their lead.
 * The lead row, the touch and the workflow signal commit together: signalWithStart runs inside
 * the transaction, so if Temporal is unreachable the row is rolled back (nothing half-written),
 * and the signal is durable in Temporal even while no worker runs.
 */
export async function capture(deps: CaptureDeps, body: CaptureLeadBody, now = new Date()): Promise<CaptureOutcome> {
  const { source, email, phone, update, ...details } = body;
  return deps.db.withTransaction(async (tx) => {
    if (
      await anyErased(
        tx,
        identityAddresses({ email, phone }).flatMap((address) => addressHashes(deps.secret, address)),
      )
    ) {
      throw new HttpError(
        409,
        'erased',
        'This person asked for their data to be erased: they are not captured again. Remove them from the source list.',
      );
    }
    const { lead, created, touchId, consentRecorded } = await captureLead(
      tx,
      { email, phone, ...details },
      source,
      now,
      { update: update === true },
    );
    const workflowId = leadWorkflowId(lead.id);
    // R5: a lead confirmed as junk keeps its record and this touch, but nothing is started or sent again.
    if (lead.stage === 'disqualified') return { leadId: lead.id, workflowId, created };
    const input = leadWorkflowInput(lead, { created, workflowOptions: deps.workflowOptions });
    await deps.temporal.connection.withDeadline(Date.now() + deps.temporalDeadlineMs, () =>
      deps.temporal.workflow.signalWithStart<typeof leadWorkflow, [CaptureTouch]>('leadWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        signal: captureSignal,
        // Only consent the capture recorded (a returning person's needs its basis) reaches the workflow.
        signalArgs: [
          {
            touchId,
            at: now.toISOString(),
            source,
            buyerStage: body.buyerStage,
            marketingConsent: consentRecorded?.marketing,
          },
        ],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: SearchAttributes.LeadStage, value: lead.stage },
          { key: SearchAttributes.LeadSource, value: lead.first_source.channel },
        ],
        // Nothing here goes stale: the stage lives in the workflow's current details.
        staticSummary: `Lead${lead.company ? ` at ${lead.company}` : ''} from ${lead.first_source.channel}`,
      }),
    );
    return { leadId: lead.id, workflowId, created };
  });
}

/** The normalised addresses erasure suppresses (db/erasure.ts hashes the same normal forms). */
function identityAddresses({ email, phone }: { email?: string; phone?: string }): string[] {
  return [email ? normalizeEmail(email) : undefined, phone ? normalizePhone(phone) : undefined].filter(
    (a): a is string => a !== undefined,
  );
}
