/**
 * Every cadence a lead can be in, the tracks by buyer stage (R13), and how a stored position
 * finds its definition under the change policies (pinned | migrate). Bundled with the workflows.
 */
import { CONTACT_ATTEMPTS } from './library/contact-attempts';
import { EDUCATION } from './library/education';
import { LONG_TERM_NURTURE } from './library/long-term-nurture';
import { R10_HARD_LEAD } from './library/r10-hard-lead';
import type { Cadence, Position, TrackSet } from './types';

export * from './types';
export { completeStep, decide, evaluate, sendableAt, startPosition, waitEnds, type Decision } from './interpreter';
export { switchTrack, trackFor } from './tracks';
export { CONTACT_ATTEMPTS, EDUCATION, LONG_TERM_NURTURE, R10_HARD_LEAD };

export const CADENCES: readonly Cadence[] = [CONTACT_ATTEMPTS, R10_HARD_LEAD, EDUCATION, LONG_TERM_NURTURE];

/** R13: nurture content by buyer stage; evaluation and decision get the fast R10 playbook. */
export const NURTURE_TRACKS: TrackSet = {
  id: 'nurture',
  byStage: {
    problem_recognition: EDUCATION.id,
    information_search: EDUCATION.id,
    evaluation: R10_HARD_LEAD.id,
    decision: R10_HARD_LEAD.id,
    post_purchase: EDUCATION.id,
  },
  unknownStage: R10_HARD_LEAD.id,
};

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
