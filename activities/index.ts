import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Db } from '../db';
import { findLead, setLeadStage } from '../db/leads';
import { firstTouchEmail } from '../domain/emails';
import type { LeadStage } from '../workflows/contracts';
import { sendOnce, type SendResult } from './email';

export interface ActivityDeps {
  db: Db;
  mailer: Transporter;
  mail: { from: string; messageIdDomain: string; defaultRepName: string };
}

/**
 * Activities are thin adapters built from their dependencies (STYLE 2): the worker wires
 * real ones, tests may pass others. Decisions stay in the workflow and in domain/.
 */
export function createActivities({ db, mailer, mail }: ActivityDeps) {
  return {
    /** R6, R7: the personal first answer, sent within seconds of the capture. */
    async sendFirstTouchEmail(input: { leadId: string; sendKey: string }): Promise<SendResult> {
      const lead = await findLead(db, input.leadId);
      if (!lead) throw ApplicationFailure.nonRetryable(`Lead ${input.leadId} does not exist`, 'LeadNotFound');
      if (!lead.email) throw ApplicationFailure.nonRetryable(`Lead ${input.leadId} has no e-mail address`, 'NoEmailAddress');
      const content = firstTouchEmail({ firstName: lead.first_name, company: lead.company, message: lead.message }, mail.defaultRepName);
      return sendOnce(db, mailer, mail.messageIdDomain, {
        sendKey: input.sendKey,
        leadId: lead.id,
        template: 'first-touch',
        from: mail.from,
        to: lead.email,
        ...content,
      });
    },

    /** Keeps the lead's current stage in PostgreSQL in step with the workflow. */
    async recordStage(input: { leadId: string; stage: LeadStage }): Promise<void> {
      await setLeadStage(db, input.leadId, input.stage);
    },
  };
}

export type LeadActivities = ReturnType<typeof createActivities>;
