import { call, email, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/**
 * R13: the decision track, for a lead about to choose: the rep offers a demo on the lead's own
 * case, calls to book it, then makes an offer. Fast (R13: never a slow track at this stage).
 */
export const DECISION: Cadence = {
  id: 'decision',
  version: 1,
  policy: 'pinned',
  title: 'Decision: a demo and an offer from the rep',
  purpose: 'marketing',
  pace: 'fast',
  exitOn: ['replied', 'meeting_booked', 'unsubscribed', 'qualified', 'not_interested'],
  sendWindow: OFFICE_HOURS,
  steps: [
    wait('settle', '1 day'),
    email('demo', 'nurture-decision-demo', 'the rep offers a demo'),
    wait('to-call', '2 days'),
    call('demo-call', 'call to book the demo', '1 day'),
    wait('to-offer', '5 days'),
    email('offer', 'nurture-decision-offer', 'an offer from the rep'),
  ],
};
