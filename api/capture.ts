import { captureLead, leadWorkflowInput, PersonErasedError } from '../db/leads';
import { normalizeEmail, normalizePhone } from '../domain/identity';
import { supportedLocale } from '../domain/i18n';
import { addressHashes } from '../privacy/tokens';
import { HttpError } from './errors';
import { isTemporalUnavailable } from './lead-client';
import { leadWorkflowId } from '../workflows/contracts';
import type { RouteDeps } from './deps';
import type { CaptureLeadBody } from './schemas';

export interface CaptureOutcome {
  leadId: string;
  workflowId: string;
  created: boolean;
  /**
   * False when Temporal could not be reached or did not answer in time: the lead and its touch are
   * stored, and whether the workflow got the capture is not known. The reconciliation sweep delivers it.
   */
  delivered: boolean;
}

/** The 202's message: the lead is stored, its workflow's part is left to the sweep. */
export const CAPTURE_NOT_CONFIRMED =
  'The lead is stored, but the workflow service did not confirm it got the capture in time. The reconciliation sweep starts its workflow or gives it this capture within minutes; do not send it again.';

/**
 * R2, R3: every capture enters the same pipeline; a returning person re-engages their lead.
 * signalWithStart runs inside the transaction that writes the lead row and the touch: a refusal rolls
 * them back, and a signal that arrived is durable in Temporal even while no worker runs. When
 * Temporal cannot be reached or does not answer in time, the signal may have arrived all the same
 * (a workflow started for a row rolled back would be an orphan, and the retry a second lead): the
 * row and the touch are kept, and the reconciliation sweep (activities/reconcile.ts) starts the
 * missing run or sends the capture its workflow did not get, once Temporal answers.
 */
export async function capture(deps: RouteDeps, body: CaptureLeadBody, now = new Date()): Promise<CaptureOutcome> {
  const { source, email, phone, update, language, ...details } = body;
  return deps.db.withTransaction(async (tx) => {
    const { lead, created, touchId, consentRecorded } = await captureLead(
      tx,
      { email, phone, ...details, language: language === undefined ? undefined : supportedLocale(language) },
      source,
      now,
      {
        update: update === true,
        erasedHashes: identityAddresses({ email, phone }).flatMap((address) => addressHashes(deps.secret, address)),
      },
    ).catch((err: unknown) => {
      if (!(err instanceof PersonErasedError)) throw err;
      throw new HttpError(
        409,
        'erased',
        'This person asked for their data to be erased: they are not captured again. Remove them from the source list.',
      );
    });
    const workflowId = leadWorkflowId(lead.id);
    // R5: a lead confirmed as junk keeps its record and this touch, but nothing is started or sent again.
    if (lead.stage === 'disqualified') return { leadId: lead.id, workflowId, created, delivered: true };
    try {
      await deps.leads.signalWithStart({
        // The lead client adds the workflow options (policy overrides, a demo's clock); the sweep builds the same input.
        input: leadWorkflowInput(lead, { created }),
        // Only consent the capture recorded (a returning person's needs its basis) reaches the workflow.
        touch: {
          touchId,
          at: now.toISOString(),
          source,
          buyerStage: body.buyerStage,
          marketingConsent: consentRecorded?.marketing,
        },
        stage: lead.stage,
        // Nothing here goes stale: the stage lives in the workflow's current details.
        staticSummary: `Lead${lead.company ? ` at ${lead.company}` : ''} from ${lead.first_source.channel}`,
      });
    } catch (err) {
      if (!isTemporalUnavailable(err)) throw err;
      return { leadId: lead.id, workflowId, created, delivered: false };
    }
    return { leadId: lead.id, workflowId, created, delivered: true };
  });
}

/** The normalised addresses erasure suppresses (db/erasure.ts hashes the same normal forms). */
function identityAddresses({ email, phone }: { email?: string; phone?: string }): string[] {
  return [email ? normalizeEmail(email) : undefined, phone ? normalizePhone(phone) : undefined].filter(
    (a): a is string => a !== undefined,
  );
}
