import { email, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/**
 * R13, R4: the post-purchase track: a customer gets onboarding — getting started, training for
 * the team, a check-in after the first month — and no pre-sale mail.
 */
export const ONBOARDING: Cadence = {
  id: 'onboarding',
  version: 1,
  policy: 'pinned',
  title: 'Post-purchase: onboarding',
  purpose: 'marketing',
  pace: 'slow',
  exitOn: ['replied', 'meeting_booked', 'unsubscribed', 'qualified', 'not_interested'],
  sendWindow: OFFICE_HOURS,
  steps: [
    wait('settle', '1 day'),
    email('welcome', 'nurture-onboarding-welcome', 'getting started'),
    wait('to-training', '7 days'),
    email('training', 'nurture-onboarding-training', 'training for the team'),
    wait('to-check-in', '21 days'),
    email('check-in', 'nurture-onboarding-check-in', 'check-in after the first month'),
  ],
};
