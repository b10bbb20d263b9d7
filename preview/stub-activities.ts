/**
 * In-memory activities for the cadence preview: the real workflow runs against these instead of
 * PostgreSQL and SMTP (stub e-mail delivery). Scoring uses the real model (domain/scoring.ts), so
 * the score after each event is what production would compute.
 */
import { createRunEffects } from '../activities/run-effects';
import { Context } from '@temporalio/activity';
import type { LeadActivities, MailActivities } from '../activities';
import { timeZoneFor } from '../cadences/send-window';
import { emailCategory } from '../domain/emails';
import {
  DEFAULT_MODEL,
  nextGradeChange,
  scoreLead,
  type LeadAction,
  type LeadProfile,
  type ScoringModel,
} from '../domain/scoring';

/** The lead a preview runs: profile fields the scoring and the cadence read. */
export interface PreviewLead extends LeadProfile {
  firstName?: string;
  /** Explicit IANA time zone; else from the country. */
  timeZone?: string;
  buyerStage?: string;
  /** Marketing consent (default true): without it, marketing e-mails are blocked at send time. */
  consent?: boolean;
}

export interface Recorded {
  leadId: string;
  at: number;
  kind: 'email' | 'task' | 'stage' | 'score' | 'notice' | 'touch';
  what: string;
}

export function createStubActivities(lead: PreviewLead, options: { model?: ScoringModel } = {}) {
  const model = options.model ?? DEFAULT_MODEL;
  const records: Recorded[] = [];
  // Per lead, so one worker can preview many leads of the same profile at once (the benchmark).
  const actionsOf = new Map<string, LeadAction[]>();
  const actions = (leadId: string) => actionsOf.get(leadId) ?? actionsOf.set(leadId, []).get(leadId)!;
  const currentOf = new Map<string, number>();
  const scores = new Map<
    string,
    {
      score: number;
      grade: 'cold' | 'warm' | 'hot';
      mql: boolean;
      model: string;
      modelVersion: number;
      previousScore: number | null;
      nextChangeAt: string | null;
    }
  >();
  // Simulated time: when the workflow scheduled the activity (the time-skipping server's clock), not the wall clock.
  const now = () => Context.current().info.scheduledTimestampMs;
  const record = (leadId: string, at: string | number, kind: Recorded['kind'], what: string) =>
    records.push({ leadId, at: typeof at === 'number' ? at : Date.parse(at), kind, what });
  const sent = new Set<string>();
  const send = (sendKey: string, template: string) => {
    if (sent.has(sendKey)) return { messageId: sendKey, status: 'already_sent' as const };
    sent.add(sendKey);
    if (emailCategory(template) === 'marketing' && lead.consent === false)
      return { messageId: sendKey, status: 'no_consent' as const };
    return { messageId: sendKey, status: 'sent' as const };
  };

  const activities: LeadActivities = {
    async runEffects(input) {
      return createRunEffects(activities).runEffects(input);
    },
    async welcomeLead(input) {
      return {
        assignment: await activities.assignRep({
          leadId: input.leadId,
          assignmentKey: input.assignmentKey,
          at: input.at,
        }),
        email: input.sendFirstTouch ? send(input.sendKey, 'first-touch') : null,
      };
    },
    async sendFirstTouchEmail(input) {
      return send(input.sendKey, 'first-touch');
    },
    async sendLeadEmail(input) {
      record(input.leadId, now(), 'email', `email ${input.template}`);
      return send(input.sendKey, input.template);
    },
    async notifyRep(input) {
      record(input.leadId, now(), 'notice', `rep notice: ${input.kind}`);
      return send(input.sendKey, `rep-${input.kind}`);
    },
    async notifyManager(input) {
      record(input.leadId, now(), 'notice', `manager notice: ${input.kind}`);
      return send(input.sendKey, `manager-${input.kind}`);
    },
    async recordStage(input) {
      record(input.leadId, input.at, 'stage', `stage ${input.from ?? 'none'} → ${input.to}: ${input.reason}`);
    },
    async recordTouch(input) {
      const name = String(input.details.event ?? input.details.outcome ?? '');
      actions(input.leadId).push({ kind: input.kind as LeadAction['kind'], name, at: input.at });
    },
    async syncLead() {},
    async createTask(input) {
      record(input.leadId, now(), 'task', `task ${input.kind}: ${input.title}`);
    },
    async openOpportunity() {},
    async closeOpportunity() {},
    async recordJunkFlag() {},
    async decideJunkFlag() {},
    async assignRep() {
      return { repId: 'preview-rep', repName: 'Preview Rep', rule: 'territory', reason: 'preview' };
    },
    async scoreLead(input) {
      const earlier = scores.get(input.scoreKey);
      if (earlier) return earlier;
      if (input.reason === 'captured') actions(input.leadId).push({ kind: 'capture', name: '', at: input.at });
      const s = scoreLead(lead, actions(input.leadId), input.at, model);
      const result = {
        score: s.score,
        grade: s.grade,
        mql: s.mql,
        model: s.model,
        modelVersion: s.modelVersion,
        previousScore: currentOf.get(input.leadId) ?? null,
        nextChangeAt: nextGradeChange(model, lead, actions(input.leadId), input.at),
      };
      currentOf.set(input.leadId, s.score);
      scores.set(input.scoreKey, result);
      record(
        input.leadId,
        input.at,
        'score',
        `score ${s.score} (${s.grade}${s.mql ? ', MQL' : ''}) after ${input.reason}`,
      );
      return result;
    },
    async cadenceProfile(input) {
      return {
        timeZone: timeZoneFor(lead, input.fallbackTimeZone),
        attributes: {
          industry: lead.industry ?? null,
          company_size: lead.companySize ?? null,
          country: lead.country ?? null,
          city: null,
          title: lead.title ?? null,
        },
      };
    },
  };
  const mail: MailActivities = {
    welcomeLead: activities.welcomeLead,
    sendFirstTouchEmail: activities.sendFirstTouchEmail,
    sendLeadEmail: activities.sendLeadEmail,
    notifyRep: activities.notifyRep,
    notifyManager: activities.notifyManager,
  };
  return { activities, mail, records };
}
