/**
 * Erasure (data protection): the lead's data key is deleted, so every Temporal payload of every run
 * of its workflow becomes unreadable, and every text PostgreSQL holds about the person is scrubbed.
 * Only a keyed hash stays, on the suppression list.
 */
import { eraseDataKey } from '../privacy/data-keys';
import type { Tx } from './index';
import { markErased } from './suppressions';

const ERASED = '(erased)';

/**
 * Removes every personal field of the lead and every free text recorded about them (e-mail
 * addresses, subjects and SMTP replies, touch details, consent texts, notes, task titles, stage,
 * assignment, score and junk-flag reasons), keeps the rows and the audit trail by id, deletes the
 * lead's data key, and marks the address and phone hashes `erased` so the person is never mailed
 * or re-created by accident. Answers false if the lead was already erased.
 *
 * A new table or column that can hold the person's data belongs here: test/privacy.test.ts
 * searches every text and JSON column of every table after an erasure.
 */
export async function eraseLead(tx: Tx, leadId: string, hashesOf: (address: string) => string[]): Promise<boolean> {
  const [lead] = await tx.query<{
    email_normalized: string | null;
    phone_normalized: string | null;
    erased_at: Date | null;
  }>('SELECT email_normalized, phone_normalized, erased_at FROM leads WHERE id = $1 FOR UPDATE', [leadId]);
  if (!lead || lead.erased_at) return false;
  for (const address of [lead.email_normalized, lead.phone_normalized]) {
    if (address) for (const hash of hashesOf(address)) await markErased(tx, hash);
  }
  await eraseDataKey(tx, leadId);
  await tx.query(
    `UPDATE leads SET email = NULL, email_normalized = NULL, phone = NULL, phone_normalized = NULL, first_name = NULL, last_name = NULL,
       company = NULL, title = NULL, city = NULL, region = NULL, message = NULL, consent = NULL, revenue = NULL, next_activity = NULL,
       time_zone = NULL, first_source = jsonb_build_object('channel', first_source->>'channel'), erased_at = now(), updated_at = now()
     WHERE id = $1`,
    [leadId],
  );
  await tx.query('UPDATE sent_emails SET to_address = $2, subject = $2, smtp_response = NULL WHERE lead_id = $1', [
    leadId,
    ERASED,
  ]);
  await tx.query('UPDATE touches SET details = NULL, source = NULL, unconfirmed_since = NULL WHERE lead_id = $1', [
    leadId,
  ]);
  await tx.query(
    "UPDATE consents SET text = NULL, source = jsonb_build_object('channel', source->>'channel') WHERE lead_id = $1",
    [leadId],
  );
  await tx.query('UPDATE junk_flags SET reason = $2 WHERE lead_id = $1', [leadId, ERASED]);
  await tx.query('UPDATE notes SET body = $2 WHERE lead_id = $1', [leadId, ERASED]);
  await tx.query("UPDATE tasks SET title = kind || ' ' || $2 WHERE lead_id = $1", [leadId, ERASED]);
  await tx.query('UPDATE stage_changes SET reason = $2 WHERE lead_id = $1', [leadId, ERASED]);
  await tx.query('UPDATE lead_assignments SET reason = $2 WHERE lead_id = $1', [leadId, ERASED]);
  await tx.query("UPDATE score_changes SET reason = $2, breakdown = '[]'::jsonb WHERE lead_id = $1", [leadId, ERASED]);
  return true;
}
