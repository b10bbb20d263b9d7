/**
 * R16: each lead goes to the rep most likely to convert it. Rules in code, data in PostgreSQL:
 * the most specific territory that covers the lead (city over region over country), else a
 * weighted round robin among the available reps (the rep furthest below their share).
 */

export interface Territory {
  country: string;
  region?: string | null;
  city?: string | null;
}

export interface RepForRouting {
  id: string;
  available: boolean;
  /** Share of the round robin: a rep of weight 2 gets twice the leads of a rep of weight 1. */
  weight: number;
  assignedCount: number;
  territories: Territory[];
}

export interface LeadLocation {
  country?: string | null;
  region?: string | null;
  city?: string | null;
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

/** The rep furthest below their weighted share; ties go to the rep id that sorts first, so the choice is stable. */
function leastLoaded(reps: RepForRouting[]): RepForRouting {
  return [...reps].sort(
    (a, b) => (a.assignedCount + 1) / a.weight - (b.assignedCount + 1) / b.weight || a.id.localeCompare(b.id),
  )[0]!;
}

function describe(t: Territory): string {
  return [t.city, t.region, t.country].filter(Boolean).join(', ');
}

/** Chooses a rep for the lead, never one in `exclude` (e.g. the rep who missed the SLA); null when no rep is available. */
export function routeLead(lead: LeadLocation, reps: RepForRouting[], exclude: readonly string[] = []): Routing | null {
  const candidates = reps.filter((r) => r.available && r.weight > 0 && !exclude.includes(r.id));
  if (candidates.length === 0) return null;

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
    const rep = leastLoaded(covering.map((c) => c.rep));
    const territory = covering.find((c) => c.rep.id === rep.id)!.territory;
    return { repId: rep.id, rule: 'territory', reason: `territory ${describe(territory)}` };
  }
  const rep = leastLoaded(candidates);
  return {
    repId: rep.id,
    rule: 'round_robin',
    reason: `round robin (weight ${rep.weight}, ${rep.assignedCount} leads before)`,
  };
}
