import { branch, email, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/**
 * R13, R17: the slow track for leads still recognising their problem or searching for
 * information: one piece of useful content every two weeks, and a lead that starts looking at
 * prices or downloading gets the comparison checklist sooner.
 */
export const EDUCATION: Cadence = {
  id: 'education',
  version: 1,
  policy: 'migrate',
  title: 'Slow track: problem recognition and information search',
  purpose: 'marketing',
  pace: 'slow',
  exitOn: ['replied', 'meeting_booked', 'unsubscribed', 'qualified', 'not_interested'],
  sendWindow: OFFICE_HOURS,
  steps: [
    wait('settle', '2 days'),
    email('story', 'nurture-week-1', 'customer story'),
    wait('to-guide', '14 days'),
    email('guide', 'nurture-week-2', 'how-to guide'),
    wait('to-checklist', '14 days'),
    branch(
      'interested',
      { engagedSince: 'story', events: ['pricing_page_visit', 'download', 'email_click'] },
      'checklist',
      'pause',
      'looking at prices or content since the story',
    ),
    wait('pause', '14 days'),
    email('checklist', 'nurture-week-3', 'comparison checklist'),
    wait('to-demo', '14 days'),
    email('demo', 'nurture-week-4', 'invitation to a demo'),
  ],
};
