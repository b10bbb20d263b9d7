/**
 * The language a lead is written to, and that routing matches reps on (issue 14): the lead's own
 * (BCP 47, from the capture), else its country's. Pure: the workflow bundle may import it.
 */

/** Ripen's first markets and their languages; every other country gets English. */
const COUNTRY_LANGUAGES: Readonly<Record<string, string>> = { FI: 'fi', UA: 'uk', IR: 'fa', GR: 'el' };

/** The language of a lead from this country (ISO 3166-1 alpha-2, any case): FI→fi, UA→uk, IR→fa, GR→el, else en. */
export function defaultLanguageFor(country: string | null | undefined): string {
  return COUNTRY_LANGUAGES[(country ?? '').trim().toUpperCase()] ?? 'en';
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
