/** E-mail content as pure functions of the lead and the rep (R6, R7). */

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface Recipient {
  firstName?: string | null;
  company?: string | null;
  message?: string | null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every lead-supplied value goes through this before it lands in HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * R7: the first answer reads like a person wrote it: greeting by name (with a fallback),
 * a reference to what they asked, and the rep's signature.
 */
export function firstTouchEmail(lead: Recipient, repName: string): EmailContent {
  const name = lead.firstName?.trim() || 'there';
  const about = lead.company?.trim() ? ` and what ${lead.company.trim()} is working on` : '';
  const subject = `Thanks for getting in touch, ${name}`;
  const paragraphs = [
    `Hi ${name},`,
    `thank you for reaching out. I'm ${repName}, and I'll be your contact here. I'd like to hear more about what you need${about}.`,
    lead.message?.trim() ? `You wrote: "${lead.message.trim()}"` : undefined,
    'When would suit you for a short call? Just reply to this e-mail with a time that works.',
    `Best regards,\n${repName}`,
  ].filter((p): p is string => p !== undefined);
  return {
    subject,
    text: paragraphs.join('\n\n') + '\n',
    html: paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n'),
  };
}
