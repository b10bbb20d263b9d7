/** Telling a lead's workflow about engagement the API has recorded (R12): one signal per lead per request. */
import { engagementSignal, engagementsSignal, type EngagementSignal } from '../workflows/contracts';
import type { LeadClient } from './lead-client';

/**
 * Signals the lead's workflow with events already stored in PostgreSQL (`recorded`): one event as
 * `engagement`, several as one `engagements` signal. Answers false when the workflow has ended;
 * a Temporal outage throws (the caller answers 503 or lets the next re-score count the events).
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
