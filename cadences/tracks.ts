/**
 * Tracks by buyer-journey stage (R13): each stage has its cadence, and a lead whose stage moves
 * (forward or back) switches track without starting over.
 */
import { BUYER_STAGES } from '../domain/lifecycle';
import { startPosition } from './interpreter';
import type { Cadence, Position, TrackSet } from './types';

/** The cadence id for a lead's buyer stage; an unknown or missing stage gets the set's default. */
export function trackFor(set: TrackSet, buyerStage: string | null | undefined): string {
  return (BUYER_STAGES as readonly string[]).includes(buyerStage ?? '')
    ? set.byStage[buyerStage as keyof TrackSet['byStage']]
    : set.unknownStage;
}

/**
 * Moves a lead to another track: it never gets a template it has already had, and waits from now
 * (the new track's pacing). Tracks have content of their own, so by default the lead starts the new
 * track's content from its beginning. With `keepProgress` (how tracks that shared their content
 * switched, kept for leads whose history did so) it resumes after as many e-mails and tasks as it
 * has had; where the new track has no step left, it lands at its end.
 */
export function switchTrack(
  to: Cadence,
  from: Position,
  sentTemplates: readonly string[],
  now: number,
  { keepProgress = false }: { keepProgress?: boolean } = {},
): Position {
  const fresh = startPosition(to, now);
  const touches = keepProgress ? from.done.length : 0;
  let acts = 0;
  let landing = to.steps.length;
  for (let i = 0; i < to.steps.length; i++) {
    const step = to.steps[i]!;
    if (step.kind !== 'email' && step.kind !== 'task') continue;
    if (step.kind === 'email' && sentTemplates.includes(step.template)) {
      acts++;
      continue;
    }
    if (acts++ < touches) continue;
    landing = i;
    break;
  }
  // Keep the pause before the landing step, so the switch never fires an e-mail the moment it happens.
  const pause = landing > 0 && to.steps[landing - 1]?.kind === 'wait' ? landing - 1 : landing;
  const id = to.steps[pause]?.id;
  return {
    ...fresh,
    at: pause,
    startedAt: from.startedAt,
    reached: id ? { [id]: now } : {},
    done: [...from.done],
    skip: [...sentTemplates],
  };
}
