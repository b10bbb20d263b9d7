/**
 * R16: each lead goes to the rep most likely to convert it. Rules in code, data in PostgreSQL:
 * the most specific territory that covers the lead (city over region over country), else a
 * weighted round robin among the available reps (the rep furthest below their share). Among the
 * reps a rule yields, one who speaks the lead's language comes first. A rep who is deactivated,
 * marked unavailable, or away at the time of the assignment gets no lead.
 */
import { defaultLanguageFor, speaks } from './language';

export interface Territory {
  country: string;
  region?: string | null;
  city?: string | null;
}

/** A time the rep is away (holiday, leave): `from` inclusive, `to` exclusive, ISO 8601. */
export interface AwayWindow {
  from: string;
  to: string;
}

export interface RepForRouting {
  id: string;
  /** False once deactivated: never routed to again. */
  active: boolean;
  /** The rep's own switch (e.g. full for now); false skips them like a deactivation, until switched back. */
  available: boolean;
  /** Share of the round robin: a rep of weight 2 gets twice the leads of a rep of weight 1. */
  weight: number;
  assignedCount: number;
  territories: Territory[];
  /** BCP 47 tags of the languages the rep works in (`fi`, `en`). */
  languages: string[];
  away: AwayWindow[];
}

export interface LeadLocation {
  country?: string | null;
  region?: string | null;
  city?: string | null;
  /** The lead's language (BCP 47); null: the country's (domain/language.ts). */
  language?: string | null;
}

export interface Routing {
  repId: string;
  rule: 'territory' | 'round_robin' | 'former_rep';
  reason: string;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  a != null && b != null && a.trim().toLowerCase() === b.trim().toLowerCase();

/** How specifically a territory covers the lead: 3 city, 2 region, 1 country, 0 not at all. */
export function coverage(territory: Territory, lead: LeadLocation): number {
  if (!same(territory.country, lead.country)) return 0;
  if (territory.region && !same(territory.region, lead.region)) return 0;
  if (territory.city && !same(territory.city, lead.city)) return 0;
  return territory.city ? 3 : territory.region ? 2 : 1;
}

/** Is the rep away at `at` (ISO 8601)? */
export function isAway(rep: Pick<RepForRouting, 'away'>, at: string): boolean {
  const t = Date.parse(at);
  return rep.away.some((w) => Date.parse(w.from) <= t && t < Date.parse(w.to));
}

/** May the rep take a new lead at `at`: active, available, a positive weight, not away. */
export function canTakeLeads(rep: RepForRouting, at: string): boolean {
  return rep.active && rep.available && rep.weight > 0 && !isAway(rep, at);
}

/** The rep furthest below their weighted share; ties go to the rep id that sorts first, so the choice is stable. */
function leastLoaded(reps: RepForRouting[]): RepForRouting {
  return [...reps].sort(
    (a, b) => (a.assignedCount + 1) / a.weight - (b.assignedCount + 1) / b.weight || a.id.localeCompare(b.id),
  )[0]!;
}

function describe(t: Territory): string {
  return [t.city, t.region, t.country].filter(Boolean).join(', ');
}

/**
 * Chooses a rep for the lead at `at`, never one in `exclude` (e.g. the rep who missed the SLA);
 * null when no rep can take it.
 */
export function routeLead(
  lead: LeadLocation,
  reps: RepForRouting[],
  { exclude = [], at }: { exclude?: readonly string[]; at: string },
): Routing | null {
  const candidates = reps.filter((r) => canTakeLeads(r, at) && !exclude.includes(r.id));
  if (candidates.length === 0) return null;
  const language = lead.language?.trim() || defaultLanguageFor(lead.country);
  /** Speakers of the lead's language in `pool`, if any; else the whole pool. */
  const bySpeech = (pool: RepForRouting[]) => {
    const speakers = pool.filter((r) => speaks(r.languages, language));
    return speakers.length > 0 ? { pool: speakers, note: `, speaks ${language}` } : { pool, note: '' };
  };

  let best = 0;
  let covering: { rep: RepForRouting; territory: Territory }[] = [];
  for (const rep of candidates) {
    for (const territory of rep.territories) {
      const score = coverage(territory, lead);
      if (score === 0 || score < best) continue;
      if (score > best) covering = [];
      best = score;
      if (!covering.some((c) => c.rep.id === rep.id)) covering.push({ rep, territory });
    }
  }
  if (covering.length > 0) {
    const { pool, note } = bySpeech(covering.map((c) => c.rep));
    const rep = leastLoaded(pool);
    const territory = covering.find((c) => c.rep.id === rep.id)!.territory;
    return { repId: rep.id, rule: 'territory', reason: `territory ${describe(territory)}${note}` };
  }
  const { pool, note } = bySpeech(candidates);
  const rep = leastLoaded(pool);
  return {
    repId: rep.id,
    rule: 'round_robin',
    reason: `round robin (weight ${rep.weight}, ${rep.assignedCount} leads before)${note}`,
  };
}
