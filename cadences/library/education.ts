import { branch, email, OFFICE_HOURS, wait } from '../builder';
import type { Cadence } from '../types';

/** Version 1: the content the tracks used to share (kept for leads pinned on it, until their cadence ends). */
const EDUCATION_V1: Cadence = {
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

/**
 * R13, R11, R17: the slow track for leads still recognising their problem or searching for
 * information: education only, one piece every two weeks — what the problem costs, how others
 * solve it, where the industry stands. Comparisons, prices and demos belong to the later stages'
 * tracks. Version 2 gives the track content of its own (issue 15); `pinned`: a lead inside
 * version 1 finishes it.
 */
export const EDUCATION: Cadence = {
  ...EDUCATION_V1,
  version: 2,
  policy: 'pinned',
  steps: [
    wait('settle', '2 days'),
    email('problem', 'nurture-education-problem', 'article: what the problem costs'),
    wait('to-guide', '14 days'),
    email('guide', 'nurture-education-guide', 'how-to guide'),
    wait('to-report', '14 days'),
    email('report', 'nurture-education-report', 'industry report'),
  ],
  previous: [EDUCATION_V1],
};
