/** What a cadence needs to know about the lead beyond the workflow's state: its time zone and the attributes branches read. */
import { timeZoneFor } from '../cadences/send-window';
import type { BusinessCalendar } from '../cadences/types';
import { businessCalendar } from './business-days';
import type { Db } from '../db';
import { findLead } from '../db/leads';
import { leadNotFound } from './errors';

/** Attributes a cadence branch may read: profile fields, never contact details. */
export const BRANCH_ATTRIBUTES = ['industry', 'company_size', 'country', 'city', 'title'] as const;

export function createCadenceActivities({ db }: { db: Db }) {
  return {
    /**
     * The lead's time zone (its own, else its country's, else the given fallback), its branchable
     * attributes and, when asked, its country's business calendar (weekend and holidays).
     */
    async cadenceProfile(input: {
      leadId: string;
      fallbackTimeZone: string;
      businessDays?: boolean;
    }): Promise<{ timeZone: string; attributes: Record<string, string | null>; businessDays?: BusinessCalendar }> {
      const lead = await findLead(db, input.leadId);
      if (!lead) throw leadNotFound(input.leadId);
      const row = lead as unknown as Record<string, string | null>;
      const attributes = Object.fromEntries(BRANCH_ATTRIBUTES.map((a) => [a, row[a] ?? null]));
      return {
        timeZone: timeZoneFor({ timeZone: lead.time_zone, country: lead.country }, input.fallbackTimeZone),
        attributes,
        ...(input.businessDays ? { businessDays: businessCalendar(lead, new Date()) } : {}),
      };
    },
  };
}
