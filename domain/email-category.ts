/** Kept apart from the templates so workflow code can ask it without bundling the templating library. */

/** Marketing e-mail needs consent and carries an unsubscribe link; a personal reply to the lead's own request does not. */
export function emailCategory(template: string): 'personal' | 'marketing' {
  return template.startsWith('nurture-') || template === 'long-term-check-in' ? 'marketing' : 'personal';
}
