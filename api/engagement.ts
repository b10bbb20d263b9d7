/** Telling a lead's workflow about engagement the API has recorded (R12): one signal per lead per request. */
import { markUnconfirmed } from '../db/engagements';
import type { Tx } from '../db';
import { engagementSignal, engagementsSignal, type EngagementSignal } from '../workflows/contracts';
import { isTemporalUnavailable, type LeadClient } from './lead-client';

/**
 * Signals the lead's workflow with events already stored in PostgreSQL (`recorded`; each request id
 * is its touch's key): one event as `engagement`, several as one `engagements` signal. Answers false
 * when the workflow has ended; a Temporal outage throws.
 */
export async function forwardEngagements(
  leads: LeadClient,
  leadId: string,
  signals: EngagementSignal[],
): Promise<boolean> {
  if (signals.length === 0) return true;
  const recorded = signals.map((s) => ({ ...s, recorded: true }));
  return recorded.length === 1
    ? leads.signal(leadId, engagementSignal, recorded[0]!)
    : leads.signal(leadId, engagementsSignal, recorded);
}

/** Engagement told to its lead's workflow, or stored with its signal not confirmed (Temporal unreachable or late). */
export type Forwarded = boolean | 'unconfirmed';

/**
 * `forwardEngagements` inside the transaction that stores the touches: a refusal rolls them back.
 * When Temporal cannot be reached or answers after the deadline, the signal may have arrived all the
 * same (answering "nothing stored" would be false, and the retry a second signal): the touches are
 * kept, marked unconfirmed, and the reconciliation sweep sends them again (the workflow applies a
 * stored engagement once, however often it comes).
 */
export async function forwardStored(
  tx: Tx,
  leads: LeadClient,
  leadId: string,
  signals: EngagementSignal[],
): Promise<Forwarded> {
  try {
    return await forwardEngagements(leads, leadId, signals);
  } catch (err) {
    if (!isTemporalUnavailable(err)) throw err;
    await markUnconfirmed(
      tx,
      signals.map((s) => s.requestId),
    );
    return 'unconfirmed';
  }
}

/** The 202's message when an engagement's signal was not confirmed. */
export const ENGAGEMENT_NOT_CONFIRMED =
  'Stored, but the workflow service did not confirm the lead’s workflow got it in time. The reconciliation sweep gives it to the workflow within minutes (once); do not send it again.';
