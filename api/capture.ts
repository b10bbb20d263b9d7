import { captureLead, leadWorkflowInput, PersonErasedError } from '../db/leads';
import { normalizeEmail, normalizePhone } from '../domain/identity';
import { supportedLocale } from '../domain/i18n';
import { addressHashes } from '../privacy/tokens';
import { HttpError } from './errors';
import { leadWorkflowId } from '../workflows/contracts';
import type { RouteDeps } from './deps';
import type { CaptureLeadBody } from './schemas';

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
    if (lead.stage === 'disqualified') return { leadId: lead.id, workflowId, created };
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
    return { leadId: lead.id, workflowId, created };
  });
}

/** The normalised addresses erasure suppresses (db/erasure.ts hashes the same normal forms). */
function identityAddresses({ email, phone }: { email?: string; phone?: string }): string[] {
  return [email ? normalizeEmail(email) : undefined, phone ? normalizePhone(phone) : undefined].filter(
    (a): a is string => a !== undefined,
  );
}
