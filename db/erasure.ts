/** Erasure (data protection): the person's data leaves PostgreSQL; a keyed hash stays on the suppression list. */
import type { Tx } from './index';
import { suppress } from './suppressions';

/**
 * Removes every personal field of the lead and of what was recorded about them (e-mail
 * addresses and subjects, touch details, consent texts, junk-flag reasons), keeps the row and
 * the audit trail by id, and suppresses the address and phone hashes so the person is never
 * mailed or re-created by accident. Answers false if the lead was already erased.
 */
export async function eraseLead(tx: Tx, leadId: string, hashOf: (address: string) => string): Promise<boolean> {
  const [lead] = await tx.query<{ email_normalized: string | null; phone_normalized: string | null; erased_at: Date | null }>(
    'SELECT email_normalized, phone_normalized, erased_at FROM leads WHERE id = $1 FOR UPDATE',
    [leadId],
  );
  if (!lead || lead.erased_at) return false;
  for (const address of [lead.email_normalized, lead.phone_normalized]) {
    if (address) await suppress(tx, { addressHash: hashOf(address), reason: 'erased', source: 'erasure' });
  }
  await tx.query(
    `UPDATE leads SET email = NULL, email_normalized = NULL, phone = NULL, phone_normalized = NULL, first_name = NULL, last_name = NULL,
       company = NULL, title = NULL, city = NULL, region = NULL, message = NULL, consent = NULL, revenue = NULL,
       erased_at = now(), updated_at = now()
     WHERE id = $1`,
    [leadId],
  );
  await tx.query("UPDATE sent_emails SET to_address = '(erased)', subject = '(erased)' WHERE lead_id = $1", [leadId]);
  await tx.query('UPDATE touches SET details = NULL, source = NULL WHERE lead_id = $1', [leadId]);
  await tx.query('UPDATE consents SET text = NULL WHERE lead_id = $1', [leadId]);
  await tx.query("UPDATE junk_flags SET reason = '(erased)' WHERE lead_id = $1", [leadId]);
  return true;
}
