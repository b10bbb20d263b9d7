import { call, email, wait } from '../builder';
import type { Cadence } from '../types';

/**
 * R6, R8, R9: five attempts over two weeks across phone and e-mail (the first-touch e-mail went
 * at capture). The rep's own contact attempts (R18: sales), so no marketing send window: the
 * lead asked to be contacted.
 */
export const CONTACT_ATTEMPTS: Cadence = {
  id: 'contact-attempts',
  version: 1,
  policy: 'pinned',
  title: 'Five contact attempts (R8)',
  purpose: 'sales',
  pace: 'fast',
  // An unsubscribe stops the e-mails (checked at send time), not the calls: no exit on it.
  exitOn: ['replied', 'meeting_booked', 'qualified', 'not_interested'],
  steps: [
    call('first-call', 'call the lead within 20 minutes (R6)', '20 minutes'),
    wait('day-1', '1 day'),
    email('follow-up', 'attempt-follow-up', 'follow-up e-mail'),
    wait('day-3', '2 days'),
    call('second-call', 'second call', '1 day'),
    wait('day-7', '4 days'),
    email('last-chance', 'attempt-last-chance', 'last-chance e-mail'),
    wait('day-14', '7 days'),
    call('final-call', 'final call', '1 day'),
  ],
};
