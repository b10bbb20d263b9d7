/**
 * The language a lead is written to, and that routing matches reps on (issue 14): the lead's own
 * (BCP 47, from the capture), else its country's. Countries are matched by ISO code or by name, in
 * English or in the country's own language, case-insensitively. Pure: the workflow bundle may import it.
 */

/** Ripen's first markets and their languages; every other country gets English. */
const BY_COUNTRY: Readonly<Record<string, string>> = {
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

/** The language of a lead from this country: FI → fi, UA → uk, IR → fa, GR → el, anything else (or nothing) → en. */
export function defaultLanguageFor(country: string | null | undefined): string {
  return BY_COUNTRY[country?.trim().toLowerCase() ?? ''] ?? 'en';
}

/** The primary language subtag, lower case: `fa-IR` → `fa`, so a rep who speaks `fa` serves a `fa-IR` lead. */
export function primaryLanguage(tag: string): string {
  return tag.trim().split(/[-_]/)[0]!.toLowerCase();
}

/** Does someone who speaks `languages` speak `language`? Compared by primary subtag, case-insensitively. */
export function speaks(languages: readonly string[], language: string): boolean {
  const wanted = primaryLanguage(language);
  return languages.some((l) => primaryLanguage(l) === wanted);
}
