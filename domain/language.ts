/**
 * A lead's language when the capture names none: its country's (issue 14). Countries are matched by
 * ISO code or by name, in English or in the country's own language, case-insensitively.
 */
const BY_COUNTRY: Record<string, string> = {
  fi: 'fi',
  finland: 'fi',
  suomi: 'fi',
  ax: 'fi',
  åland: 'fi',
  ua: 'uk',
  ukraine: 'uk',
  україна: 'uk',
  ir: 'fa',
  iran: 'fa',
  ایران: 'fa',
  gr: 'el',
  greece: 'el',
  ελλάδα: 'el',
};

/** FI → fi, UA → uk, IR → fa, GR → el, anything else (or nothing) → en. */
export function defaultLanguageFor(country: string | null | undefined): string {
  return BY_COUNTRY[country?.trim().toLowerCase() ?? ''] ?? 'en';
}
