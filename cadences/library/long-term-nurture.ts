import { email, loop, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/**
 * R4, R17: a not-interested lead is kept and checked on every 90 days for a year (four
 * check-ins), in office hours, with consent (marketing mail). A reply or a meeting ends it; the
 * lead then goes back to the rep.
 */
export const LONG_TERM_NURTURE: Cadence = {
  id: 'long-term-nurture',
  version: 1,
  policy: 'migrate',
  title: 'Long-term nurture for not-interested leads',
  purpose: 'marketing',
  pace: 'slow',
  exitOn: ['replied', 'meeting_booked', 'unsubscribed', 'qualified'],
  sendWindow: OFFICE_HOURS,
  steps: [
    wait('quarter', '90 days', 'a quarter before the next re-engagement check'),
    email('check-in', 'long-term-check-in', 're-engagement check'),
    loop('next-quarter', 'quarter', 3),
  ],
};
