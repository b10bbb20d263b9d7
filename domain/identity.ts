/** R3: how a person is recognised again. Pure functions. */

/** Trimmed and lower-cased: `  Aino@Example.FI ` and `aino@example.fi` are one person. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Digits only, keeping a leading `+`: `+358 40 123-4567` and `+358401234567` are one person. */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/** The keys a capture is matched on, sorted so concurrent captures lock them in the same order. */
export function identityKeys(person: { email?: string | null; phone?: string | null }): string[] {
  const keys: string[] = [];
  if (person.email) keys.push(`email:${normalizeEmail(person.email)}`);
  if (person.phone) keys.push(`phone:${normalizePhone(person.phone)}`);
  return keys.sort();
}
