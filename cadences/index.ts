/**
 * Every cadence a lead can be in, the tracks by buyer stage (R13), and how a stored position
 * finds its definition under the change policies (pinned | migrate). Bundled with the workflows.
 */
import { CONTACT_ATTEMPTS } from './library/contact-attempts';
import { DECISION } from './library/decision';
import { EDUCATION } from './library/education';
import { EVALUATION } from './library/evaluation';
import { LONG_TERM_NURTURE } from './library/long-term-nurture';
import { ONBOARDING } from './library/onboarding';
import { R10_HARD_LEAD } from './library/r10-hard-lead';
import { trackFor } from './tracks';
import type { Cadence, Position, TrackSet } from './types';

export * from './types';
export { completeStep, decide, evaluate, sendableAt, startPosition, waitEnds, type Decision } from './interpreter';
export { switchTrack, trackFor } from './tracks';
export { CONTACT_ATTEMPTS, DECISION, EDUCATION, EVALUATION, LONG_TERM_NURTURE, ONBOARDING, R10_HARD_LEAD };

export const CADENCES: readonly Cadence[] = [
  CONTACT_ATTEMPTS,
  R10_HARD_LEAD,
  EDUCATION,
  EVALUATION,
  DECISION,
  ONBOARDING,
  LONG_TERM_NURTURE,
];

/**
 * R13, R11: nurture content by buyer stage, each track with templates of its own (the checker
 * refuses a template two tracks could send one lead). A lead whose stage nobody knows gets the
 * R10 playbook, which has a little of everything.
 */
export const NURTURE_TRACKS: TrackSet = {
  id: 'nurture',
  byStage: {
    problem_recognition: EDUCATION.id,
    information_search: EDUCATION.id,
    evaluation: EVALUATION.id,
    decision: DECISION.id,
    post_purchase: ONBOARDING.id,
  },
  unknownStage: R10_HARD_LEAD.id,
};

/**
 * The tracks before content by stage, kept so leads whose history chose a track under them replay
 * it (the workflow's `patched('content-by-stage')`): education v1 for the early stages and
 * post-purchase, the R10 playbook otherwise.
 */
const SHARED_CONTENT_TRACKS: TrackSet = {
  id: 'nurture-shared-content',
  byStage: {
    problem_recognition: EDUCATION.id,
    information_search: EDUCATION.id,
    evaluation: R10_HARD_LEAD.id,
    decision: R10_HARD_LEAD.id,
    post_purchase: EDUCATION.id,
  },
  unknownStage: R10_HARD_LEAD.id,
};

/** The nurture cadence for a buyer stage: by content (today), or as the tracks were before it (`contentByStage` false). */
export function nurtureTrack(buyerStage: string | null | undefined, contentByStage = true): Cadence {
  if (contentByStage) return cadenceById(trackFor(NURTURE_TRACKS, buyerStage))!;
  const id = trackFor(SHARED_CONTENT_TRACKS, buyerStage);
  return id === EDUCATION.id ? EDUCATION.previous!.find((c) => c.version === 1)! : cadenceById(id)!;
}

export function cadenceById(id: string): Cadence | undefined {
  return CADENCES.find((c) => c.id === id);
}

/**
 * The definition a running position follows: its own version while the current one is pinned,
 * or the current one if it migrates (`migrate`: the caller guards the move with `patched` and
 * re-maps the position with migratePosition). `from` is the position's own version, if kept.
 */
export function definitionFor(position: Position): { cadence: Cadence; from?: Cadence; migrate: boolean } | undefined {
  const current = cadenceById(position.cadence);
  if (!current) return undefined;
  if (current.version === position.version) return { cadence: current, migrate: false };
  const own = current.previous?.find((c) => c.version === position.version);
  if (current.policy === 'migrate' || !own) return { cadence: current, from: own, migrate: true };
  return { cadence: own, migrate: false };
}

/** A position moved to a newer version at its next step: the same step id if the new version has it, else the end. */
export function migratePosition(from: Cadence | undefined, to: Cadence, position: Position): Position {
  const stepId = from?.steps[position.at]?.id;
  const at = stepId ? to.steps.findIndex((s) => s.id === stepId) : -1;
  return { ...position, version: to.version, at: at >= 0 ? at : to.steps.length };
}
