/**
 * Golden timelines: the cadence preview runs the real workflow on the time-skipping server (with
 * stub activities) and its timeline must match, line by line (R4, R10, R12, R14, R17). Dates are
 * left out (the server's clock moves on between runs); each line keeps its day, local time,
 * weekday and what happened.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { previewCadence, type PreviewEvent, type PreviewResult } from '../preview/runner';
import type { PreviewLead } from '../preview/stub-activities';
import { workflowBundle } from './helpers/stack';
import { testRun } from './setup/run';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(path.join(__dirname, 'golden', name), 'utf8')) as T;
const golden = (r: PreviewResult) =>
  r.lines.map((l) => `day ${l.day} ${l.local.slice(11)} ${l.what.replace(/\d{4}-\d{2}-\d{2} /g, '')}`);
const preview = (cadence: string, options: { lead?: PreviewLead; events?: PreviewEvent[]; days?: number } = {}) =>
  previewCadence({ address: testRun().timeSkippingAddress, workflowBundle: workflowBundle(), cadence, ...options });

// Golden leads live in Tokyo: a zone without daylight saving, so the lines do not depend on the date the server's clock has reached.
const tokyo = () => fixture<PreviewLead>('lead-tokyo.json');

it('previews the R10 playbook for an engaged lead: the pack at once, the evaluation track once it looks at prices, score after each action, and a reply that ends it', async () => {
  const result = await preview('r10-hard-lead', {
    lead: tokyo(),
    events: fixture<PreviewEvent[]>('r10-engaged.events.json'),
    // 29 days, not 30: the silence alert (R20, watched since the pricing visit moved the lead to evaluation) falls due at
    // exactly day 30, where the preview ends, and whether it fires first would depend on the order of the two.
    days: 29,
  });
  expect(golden(result)).toEqual([
    'day 0 08:00 Mon stage new → contacting: captured: first contact under way (R6)',
    'day 0 08:00 Mon score 10 (cold) after captured',
    'day 0 08:00 Mon start contact-attempts v1 (Five contact attempts (R8))',
    'day 0 08:00 Mon task call for preview-rep: call the lead within 20 minutes (R6), due 08:20 Mon Asia/Tokyo',
    'day 0 08:00 Mon wait until 08:00 Tue Asia/Tokyo: wait 1 day',
    'day 0 08:00 Mon rep notice: new_lead',
    'day 0 08:00 Mon stage contacting → nurturing: reached: reached, not ready yet (R17)',
    'day 0 08:00 Mon score 15 (cold) after outcome reached',
    'day 0 08:00 Mon stop contact-attempts at day-1: the lead is nurturing',
    'day 0 08:00 Mon start r10-hard-lead v2 (R10 playbook for hard leads)',
    'day 0 08:00 Mon email nurture-info-pack',
    'day 0 08:00 Mon wait until 09:00 Thu Asia/Tokyo: wait 3 days',
    'day 1 08:00 Tue score 23 (cold) after engagement pricing_page_visit',
    // Issue 15: the pricing-page visit moves the lead to evaluation, and content by stage (R13, R11) to that track's own
    // content: the comparison and the case study, in office hours.
    'day 1 08:00 Tue switch track: buyer stage evaluation → evaluation v1, at step settle (R13)',
    'day 1 08:00 Tue wait until 09:00 Wed Asia/Tokyo: wait 1 day',
    'day 2 09:00 Wed email nurture-evaluation-comparison',
    'day 2 09:00 Wed wait until 09:00 Wed Asia/Tokyo: wait 7 days',
    'day 9 08:00 Wed score 31 (warm) after engagement download',
    'day 9 09:00 Wed email nurture-evaluation-case-study',
    'day 9 09:00 Wed wait until 09:00 Wed Asia/Tokyo: wait 7 days',
    'day 16 08:00 Wed score 46 (warm) after engagement reply',
    'day 16 08:00 Wed stop evaluation at to-pricing: the lead is nurturing',
    'day 16 08:00 Wed rep notice: replied',
    'day 17 08:00 Thu manager notice: reply_unanswered',
    'day 24 08:00 Thu manager notice: reply_unanswered',
    // In evaluation silence is watched (R20): that alert comes first.
    'day 29 08:00 Tue end: stage nurturing, score 46 (warm), cadence evaluation v1 at its end; waiting for a sign of life (silence alert after 14 days)',
  ]);
});

it('previews the slow education track: a pricing-page visit moves the lead to evaluation and its track, without repeats (R13)', async () => {
  const result = await preview('education', {
    lead: tokyo(),
    events: fixture<PreviewEvent[]>('education-keen.events.json'),
    days: 60,
  });
  expect(result.timeZone).toBe('Asia/Tokyo');
  expect(golden(result)).toEqual([
    'day 0 08:00 Mon stage new → contacting: captured: first contact under way (R6)',
    'day 0 08:00 Mon score 10 (cold) after captured',
    'day 0 08:00 Mon start contact-attempts v1 (Five contact attempts (R8))',
    'day 0 08:00 Mon task call for preview-rep: call the lead within 20 minutes (R6), due 08:20 Mon Asia/Tokyo',
    'day 0 08:00 Mon wait until 08:00 Tue Asia/Tokyo: wait 1 day',
    'day 0 08:00 Mon rep notice: new_lead',
    'day 0 08:00 Mon stage contacting → nurturing: reached: reached, not ready yet (R17)',
    'day 0 08:00 Mon score 15 (cold) after outcome reached',
    'day 0 08:00 Mon stop contact-attempts at day-1: the lead is nurturing',
    'day 0 08:00 Mon start education v2 (Slow track: problem recognition and information search)',
    'day 0 08:00 Mon wait until 09:00 Wed Asia/Tokyo: wait 2 days',
    'day 2 09:00 Wed email nurture-education-problem',
    'day 2 09:00 Wed wait until 09:00 Wed Asia/Tokyo: wait 14 days',
    'day 5 08:00 Sat score 23 (cold) after engagement pricing_page_visit',
    // Issue 15: the pricing-page visit moves the lead to evaluation (rule pricing-page), and to that track's own content
    // from its start (R13, R11): comparison, case study, prices, then the rep's call.
    'day 5 08:00 Sat switch track: buyer stage evaluation → evaluation v1, at step settle (R13)',
    'day 5 08:00 Sat wait until 09:00 Mon Asia/Tokyo: wait 1 day',
    'day 7 09:00 Mon email nurture-evaluation-comparison',
    'day 7 09:00 Mon wait until 09:00 Mon Asia/Tokyo: wait 7 days',
    'day 14 09:00 Mon email nurture-evaluation-case-study',
    'day 14 09:00 Mon wait until 09:00 Mon Asia/Tokyo: wait 7 days',
    'day 19 08:00 Sat rep notice: stalled',
    'day 21 09:00 Mon email nurture-evaluation-pricing',
    'day 21 09:00 Mon wait until 09:00 Wed Asia/Tokyo: wait 2 days',
    'day 23 09:00 Wed task call for preview-rep: call: questions about the comparison or the prices, due 09:00 Thu Asia/Tokyo',
    'day 23 09:00 Wed exit: completed',
    'day 23 09:00 Wed start long-term-nurture v1 (Long-term nurture for not-interested leads)',
    'day 23 09:00 Wed wait until 09:00 Tue Asia/Tokyo: a quarter before the next re-engagement check',
    'day 60 08:00 Fri end: stage nurturing, score 23 (cold), cadence long-term-nurture v1 at quarter; waiting for a quarter before the next re-engagement check',
  ]);
});

it('previews a year of long-term nurture for a not-interested lead: four check-ins, then the run ends (R4)', async () => {
  const result = await preview('long-term-nurture', { lead: tokyo(), days: 370 });
  expect(golden(result)).toEqual([
    'day 0 08:00 Mon stage new → contacting: captured: first contact under way (R6)',
    'day 0 08:00 Mon score 10 (cold) after captured',
    'day 0 08:00 Mon start contact-attempts v1 (Five contact attempts (R8))',
    'day 0 08:00 Mon task call for preview-rep: call the lead within 20 minutes (R6), due 08:20 Mon Asia/Tokyo',
    'day 0 08:00 Mon wait until 08:00 Tue Asia/Tokyo: wait 1 day',
    'day 0 08:00 Mon rep notice: new_lead',
    'day 0 08:00 Mon stage contacting → not_interested: the lead said not interested (R4: kept)',
    'day 0 08:00 Mon score 0 (cold) after outcome not_interested',
    'day 0 08:00 Mon stop contact-attempts at day-1: the lead is not_interested',
    'day 0 08:00 Mon start long-term-nurture v1 (Long-term nurture for not-interested leads)',
    'day 0 08:00 Mon wait until 09:00 Mon Asia/Tokyo: a quarter before the next re-engagement check',
    'day 91 09:00 Mon email long-term-check-in',
    'day 91 09:00 Mon loop next-quarter: back to quarter (1 of 3)',
    'day 91 09:00 Mon wait until 09:00 Mon Asia/Tokyo: a quarter before the next re-engagement check',
    'day 182 09:00 Mon email long-term-check-in',
    'day 182 09:00 Mon loop next-quarter: back to quarter (2 of 3)',
    'day 182 09:00 Mon wait until 09:00 Mon Asia/Tokyo: a quarter before the next re-engagement check',
    'day 273 09:00 Mon email long-term-check-in',
    'day 273 09:00 Mon loop next-quarter: back to quarter (3 of 3)',
    'day 273 09:00 Mon wait until 09:00 Mon Asia/Tokyo: a quarter before the next re-engagement check',
    'day 364 09:00 Mon email long-term-check-in',
    'day 364 09:00 Mon loop next-quarter: done after 3',
    'day 364 09:00 Mon exit: completed',
    'day 370 08:00 Sun end: stage not_interested, score 0 (cold), cadence long-term-nurture v1 at its end; waiting for a new capture: the year of nurture is over',
  ]);
});
