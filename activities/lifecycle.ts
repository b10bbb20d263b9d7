/** Activities that record the lead's life in PostgreSQL: thin adapters over db/lifecycle.ts. */
import type { Db } from '../db';
import * as repo from '../db/lifecycle';
import type { LeadStage } from '../domain/lifecycle';

export function createLifecycleActivities({ db }: { db: Db }) {
  return {
    /** Audit row (from, to, reason, actor, time) and the lead's current stage. */
    async recordStage(input: {
      leadId: string;
      changeKey: string;
      from: LeadStage | null;
      to: LeadStage;
      reason: string;
      actor: string;
      at: string;
    }): Promise<void> {
      await repo.recordStageChange(db, input);
    },
    /** R21: every touch across channels in the lead's one history. */
    async recordTouch(input: {
      leadId: string;
      touchKey: string;
      at: string;
      kind: string;
      channel: string;
      details: Record<string, unknown>;
    }): Promise<void> {
      await repo.recordTouch(db, input);
    },
    async syncLead(input: repo.BoardFields): Promise<void> {
      await repo.syncBoardFields(db, input);
    },
    /** A call or meeting for the rep (R7, R8, R10). */
    async createTask(input: {
      leadId: string;
      repId: string | null;
      taskKey: string;
      kind: string;
      title: string;
      dueAt: string;
    }): Promise<void> {
      await repo.createTask(db, input);
    },
    async openOpportunity(input: {
      leadId: string;
      repId: string | null;
      opportunityKey: string;
      at: string;
    }): Promise<void> {
      await repo.openOpportunity(db, input);
    },
    async closeOpportunity(input: { leadId: string; status: 'won' | 'lost'; at: string }): Promise<void> {
      await repo.closeOpportunity(db, input);
    },
    async recordJunkFlag(input: {
      leadId: string;
      flagKey: string;
      reason: string;
      by: string;
      at: string;
    }): Promise<void> {
      await repo.recordJunkFlag(db, input);
    },
    async decideJunkFlag(input: {
      leadId: string;
      decision: 'confirmed' | 'cleared';
      by: string;
      at: string;
    }): Promise<void> {
      await repo.decideJunkFlag(db, input);
    },
  };
}
