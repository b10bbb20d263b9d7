import { call, email, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/**
 * R13, R11: the evaluation track, for a lead comparing its options: how to compare them, a
 * customer's case, then prices — a week apart (an evaluating lead is not on a slow track), and a
 * call from the rep after the prices.
 */
export const EVALUATION: Cadence = {
  id: 'evaluation',
  version: 1,
  policy: 'pinned',
  title: 'Evaluation: comparisons, case studies, pricing',
  purpose: 'marketing',
  pace: 'fast',
  exitOn: ['replied', 'meeting_booked', 'unsubscribed', 'qualified', 'not_interested'],
  sendWindow: OFFICE_HOURS,
  steps: [
    wait('settle', '1 day'),
    email('comparison', 'nurture-evaluation-comparison', 'how to compare the alternatives'),
    wait('to-case-study', '7 days'),
    email('case-study', 'nurture-evaluation-case-study', 'case study'),
    wait('to-pricing', '7 days'),
    email('pricing', 'nurture-evaluation-pricing', 'pricing and what a first year costs'),
    wait('to-call', '2 days'),
    call('pricing-call', 'call: questions about the comparison or the prices', '1 day'),
  ],
};
