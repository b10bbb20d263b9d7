/** R14: the scoring activity, a thin adapter: the model is domain/scoring.ts, the facts are PostgreSQL. */
import type { Db } from '../db';
import { findScoreChange, loadScoringFacts, recordScore, type StoredScore } from '../db/scores';
import { DEFAULT_MODEL, nextGradeChange, scoreLead, type ScoringModel } from '../domain/scoring';
import { leadNotFound } from './errors';

export function createScoringActivities({ db, model = DEFAULT_MODEL }: { db: Db; model?: ScoringModel | undefined }) {
  return {
    /**
     * Re-scores the lead from its profile and actions up to `at`; a retry with the same key
     * answers what the first attempt stored. Returns whether the lead is now an MQL, and when its
     * grade would next change with no new action (the workflow sets a timer for then).
     */
    async scoreLead(input: {
      leadId: string;
      scoreKey: string;
      at: string;
      reason: string;
    }): Promise<StoredScore & { nextChangeAt: string | null }> {
      return db.withTransaction(async (tx) => {
        const facts = await loadScoringFacts(tx, input.leadId, input.at);
        if (!facts) throw leadNotFound(input.leadId);
        const nextChangeAt = nextGradeChange(model, facts.profile, facts.actions, input.at);
        const earlier = await findScoreChange(tx, input.scoreKey);
        if (earlier) return { ...earlier, nextChangeAt };
        const score = scoreLead(facts.profile, facts.actions, input.at, model);
        const changed = score.score !== facts.previousScore;
        await recordScore(tx, { ...input, score, previousScore: facts.previousScore, changed });
        return {
          score: score.score,
          grade: score.grade,
          mql: score.mql,
          model: score.model,
          modelVersion: score.modelVersion,
          previousScore: facts.previousScore,
          nextChangeAt,
        };
      });
    },
  };
}
