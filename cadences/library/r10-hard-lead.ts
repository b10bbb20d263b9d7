import { branch, call, email, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/** Version 1: four weekly e-mails after the information pack (kept for leads whose position is on it, until they reach their next step). */
const R10_V1: Cadence = {
  id: 'r10-hard-lead',
  version: 1,
  policy: 'migrate',
  title: 'R10 playbook for hard leads',
  purpose: 'marketing',
  pace: 'fast',
  exitOn: ['replied', 'meeting_booked', 'unsubscribed', 'qualified', 'not_interested'],
  sendWindow: OFFICE_HOURS,
  steps: [
    { ...email('info-pack', 'nurture-info-pack', 'personal e-mail with the information pack'), answersTheLead: true },
    wait('after-pack', '3 days'),
    call('pack-call', 'follow-up call after the information pack', '1 day'),
    wait('to-week-1', '4 days'),
    email('week-1', 'nurture-week-1', 'week 1: customer story'),
    wait('to-week-2', '7 days'),
    email('week-2', 'nurture-week-2', 'week 2: how-to guide'),
    wait('to-week-3', '7 days'),
    branch('hot-yet', { grade: ['hot'] }, 'week-4', undefined, 'a hot lead skips the checklist'),
    email('week-3', 'nurture-week-3', 'week 3: comparison checklist'),
    wait('to-week-4', '7 days'),
    email('week-4', 'nurture-week-4', 'week 4: invitation to a demo'),
  ],
};

/**
 * R10, the playbook for hard leads: the information pack at once, a call after 3 days, then an
 * e-mail a week for five weeks, each with other content (R11). A lead that has grown hot by week 2
 * skips the comparison checklist and gets the demo invitation straight away. E-mail wakes only
 * in office hours in the lead's time zone; the first (the pack the lead asked for) goes at once.
 * Version 2 adds the fifth weekly e-mail R10 asks for; `migrate`: a lead inside version 1 moves
 * to version 2 at its next step (N3).
 */
export const R10_HARD_LEAD: Cadence = {
  ...R10_V1,
  version: 2,
  steps: [
    ...R10_V1.steps,
    wait('to-week-5', '7 days'),
    email('week-5', 'nurture-week-5', 'week 5: results customers measured'),
  ],
  previous: [R10_V1],
};
