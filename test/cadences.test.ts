/** The cadence language, pure: send windows across DST, the frequency cap, the checker, the interpreter and tracks (R4, R8, R10, R11, R13, R17). */
import {
  CADENCES,
  CONTACT_ATTEMPTS,
  completeStep,
  decide,
  DECISION,
  definitionFor,
  EDUCATION,
  EVALUATION,
  LONG_TERM_NURTURE,
  migratePosition,
  NURTURE_TRACKS,
  nurtureTrack,
  ONBOARDING,
  R10_HARD_LEAD,
  startPosition,
  switchTrack,
  trackFor,
  type Cadence,
  type LeadFacts,
  type Position,
} from '../cadences';
import * as fc from 'fast-check';
import { email, OFFICE_HOURS, wait } from '../cadences/builder';
import { checkAll, checkCadence, checkTracks } from '../cadences/check';
import { assertCadencesSound } from '../worker';
import { nextUnderCap } from '../cadences/frequency';
import { formatLocal, localTime, nextAllowedInstant, timeZoneFor, zonedInstant } from '../cadences/send-window';
import { cadenceTemplates, emailCategory } from '../domain/emails';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const t = (iso: string) => Date.parse(iso);
/** Education version 1: the shared-content version leads started before content by stage still run (pinned). */
const EDUCATION_V1 = EDUCATION.previous!.find((c) => c.version === 1)!;
const ctx = { templates: cadenceTemplates(), isMarketing: (tpl: string) => emailCategory(tpl) === 'marketing' };

describe("send windows: business days and quiet hours in the lead's time zone, across DST", () => {
  const helsinki = (at: string) => nextAllowedInstant(t(at), OFFICE_HOURS, 'Europe/Helsinki');
  const newYork = (at: string) => nextAllowedInstant(t(at), OFFICE_HOURS, 'America/New_York');

  it('keeps an instant inside the window', () => {
    expect(helsinki('2026-03-24T10:00:00Z')).toBe(t('2026-03-24T10:00:00Z')); // Tue 12:00 EET
  });

  it('moves an early-morning instant to 9:00 the same day, and 17:00 sharp to the next morning', () => {
    expect(helsinki('2026-03-24T06:59:59Z')).toBe(t('2026-03-24T07:00:00Z')); // 08:59:59 → 09:00 EET
    expect(helsinki('2026-03-24T15:00:00Z')).toBe(t('2026-03-25T07:00:00Z')); // 17:00 Tue → 09:00 Wed
  });

  it('skips the weekend in Helsinki across the spring change (EET → EEST on 29 March 2026)', () => {
    // Friday 18:00 EET → Monday 09:00 EEST, which is 06:00 UTC, not 07:00.
    expect(helsinki('2026-03-27T16:00:00Z')).toBe(t('2026-03-30T06:00:00Z'));
  });

  it('skips the weekend in Helsinki across the autumn change (EEST → EET on 25 October 2026)', () => {
    expect(helsinki('2026-10-24T09:00:00Z')).toBe(t('2026-10-26T07:00:00Z'));
  });

  it('skips the weekend in New York across both changes (8 March and 1 November 2026)', () => {
    expect(newYork('2026-03-06T22:30:00Z')).toBe(t('2026-03-09T13:00:00Z')); // Fri 17:30 EST → Mon 09:00 EDT
    expect(newYork('2026-10-31T00:00:00Z')).toBe(t('2026-11-02T14:00:00Z')); // Fri 20:00 EDT → Mon 09:00 EST
  });

  it('opens a window whose hour DST skips at the first instant after the gap', () => {
    const night = { days: [7], startHour: 2, endHour: 4, fallbackTimeZone: 'UTC' };
    expect(nextAllowedInstant(t('2026-03-07T17:00:00Z'), night, 'America/New_York')).toBe(t('2026-03-08T07:00:00Z')); // 03:00 EDT
    expect(zonedInstant(2026, 3, 8, 2, 'America/New_York')).toBe(t('2026-03-08T07:00:00Z'));
    expect(zonedInstant(2026, 7, 1, 9, 'Europe/Helsinki')).toBe(t('2026-07-01T06:00:00Z'));
  });

  it('never returns a quiet hour, from any start in a year, in either zone', () => {
    for (const zone of ['Europe/Helsinki', 'America/New_York']) {
      for (let at = t('2026-01-01T00:00:00Z'); at < t('2027-01-01T00:00:00Z'); at += 7 * HOUR + 13 * 60_000) {
        const next = nextAllowedInstant(at, OFFICE_HOURS, zone);
        const local = localTime(next, zone);
        expect(next).toBeGreaterThanOrEqual(at);
        expect(next - at).toBeLessThan(4 * DAY);
        expect(local.weekday <= 5 && local.hour >= 9 && local.hour < 17).toBe(true);
      }
    }
  });

  it("takes an explicit time zone first, then the country's, then the fallback", () => {
    expect(timeZoneFor({ timeZone: 'America/New_York', country: 'FI' }, 'UTC')).toBe('America/New_York');
    expect(timeZoneFor({ timeZone: 'Not/AZone', country: 'Finland' }, 'UTC')).toBe('Europe/Helsinki');
    expect(timeZoneFor({ country: 'US' }, 'UTC')).toBe('America/New_York');
    expect(timeZoneFor({ country: 'Atlantis' }, 'Europe/Helsinki')).toBe('Europe/Helsinki');
  });

  it('refuses a window with no allowed hour', () => {
    expect(() => nextAllowedInstant(0, { ...OFFICE_HOURS, days: [] }, 'UTC')).toThrow('no allowed hour');
  });
});

describe('the frequency cap across cadences (R11): at most 2 marketing e-mails per 7 days', () => {
  const now = t('2026-05-10T10:00:00Z');
  it('lets a send through under the cap', () => {
    expect(nextUnderCap([], now)).toBe(now);
    expect(nextUnderCap([now - DAY], now)).toBe(now);
    expect(nextUnderCap([now - 8 * DAY, now - 7 * DAY, now - DAY], now)).toBe(now);
  });
  it('holds a third send until the older of the last two falls out of the 7 days', () => {
    expect(nextUnderCap([now - 3 * DAY, now - DAY], now)).toBe(now + 4 * DAY);
    expect(nextUnderCap([now - DAY, now - 6 * DAY, now - 2 * DAY], now)).toBe(now + 5 * DAY);
  });
});

/** Runs a cadence purely: acts at once on each decision, sleeps to each wait, until it exits. */
function simulate(
  cadence: Cadence,
  start: number,
  over: Partial<LeadFacts> = {},
  events: { at: number; apply: (f: LeadFacts) => void }[] = [],
) {
  const facts: LeadFacts = {
    now: start,
    score: 0,
    grade: 'cold',
    buyerStage: null,
    attributes: {},
    engagements: [],
    exits: [],
    timeZone: 'Europe/Helsinki',
    marketingSends: [],
    isMarketing: ctx.isMarketing,
    ...over,
  };
  let position: Position = startPosition(cadence, start);
  const timeline: string[] = [];
  for (let i = 0; i < 200; i++) {
    const due = events.filter((e) => e.at <= facts.now);
    for (const e of due) e.apply(facts);
    events = events.filter((e) => e.at > facts.now);
    const d = decide(cadence, position, facts);
    timeline.push(...d.trace);
    position = d.position;
    if (d.type === 'exit') {
      timeline.push(`exit ${d.reason}`);
      return { timeline, position };
    }
    if (d.type === 'wait') {
      facts.now = Math.min(d.until, events[0]?.at ?? Infinity);
      continue;
    }
    const label = d.type === 'email' ? `email ${d.step.template}` : `task ${d.step.task} ${d.step.id}`;
    timeline.push(`${formatLocal(facts.now, 'Europe/Helsinki')} ${label}`);
    if (d.type === 'email' && facts.isMarketing(d.step.template))
      facts.marketingSends = [...facts.marketingSends, facts.now];
    position = completeStep(cadence, position, facts.now);
  }
  throw new Error('did not end');
}

describe('the interpreter (R10, R4, R13)', () => {
  const saturdayNight = t('2026-03-28T21:00:00Z'); // Sat 23:00 EET, the night before DST starts

  it('runs the R10 playbook: the pack at once, a call after 3 days, weekly content in office hours', () => {
    expect(simulate(R10_HARD_LEAD, saturdayNight).timeline).toEqual([
      '2026-03-28 23:00 Sat email nurture-info-pack', // the lead asked for it: goes at once (R6)
      '2026-04-01 09:00 Wed task call pack-call', // 3 days on is Tue 23:00, a quiet hour: a wait never wakes into one
      '2026-04-06 09:00 Mon email nurture-week-1', // Wed + 4 days is a Sunday: Monday morning
      '2026-04-13 09:00 Mon email nurture-week-2',
      'branch hot-yet: grade cold in [hot] → no, to the next step',
      '2026-04-20 09:00 Mon email nurture-week-3',
      '2026-04-27 09:00 Mon email nurture-week-4',
      '2026-05-04 09:00 Mon email nurture-week-5', // R10 v2: five weekly e-mails
      'exit completed',
    ]);
  });

  it('skips the checklist for a lead that has grown hot', () => {
    const timeline = simulate(R10_HARD_LEAD, saturdayNight, { grade: 'hot' }).timeline;
    expect(timeline).toContain('branch hot-yet: grade hot in [hot] → yes, to week-4');
    expect(timeline.filter((l) => l.includes('nurture-week-3'))).toEqual([]);
  });

  it('stops at once when the lead replies', () => {
    const { timeline } = simulate(R10_HARD_LEAD, saturdayNight, {}, [
      { at: saturdayNight + 9 * DAY, apply: (f) => void (f.exits = ['replied']) },
    ]);
    expect(timeline.at(-1)).toBe('exit replied');
    expect(timeline.filter((l) => l.includes('email'))).toHaveLength(2);
  });

  it('holds an e-mail back under the frequency cap shared with other cadences', () => {
    const monday = t('2026-04-06T07:00:00Z');
    const { timeline } = simulate(R10_HARD_LEAD, monday, { marketingSends: [monday - DAY, monday - 2 * DAY] });
    // Sends on Sat and Sun: the cap frees a week after Saturday's; the pack answers the lead, so no window holds it further.
    expect(timeline[0]).toBe('2026-04-11 10:00 Sat email nurture-info-pack');
    expect(timeline[1]).toBe('2026-04-14 10:00 Tue task call pack-call');
  });

  it('checks on a not-interested lead four times a year through a bounded loop, then ends (R4)', () => {
    const { timeline } = simulate(LONG_TERM_NURTURE, t('2026-01-05T10:00:00Z'));
    expect(timeline.filter((l) => l.includes('long-term-check-in'))).toEqual([
      '2026-04-06 09:00 Mon email long-term-check-in',
      '2026-07-06 09:00 Mon email long-term-check-in',
      '2026-10-05 09:00 Mon email long-term-check-in',
      '2027-01-04 09:00 Mon email long-term-check-in',
    ]);
    expect(timeline).toContain('loop next-quarter: done after 3');
    expect(timeline.at(-1)).toBe('exit completed');
  });

  it('sends the checklist sooner to a slow-track lead (education v1) who looked at prices since the story', () => {
    const start = t('2026-02-02T08:00:00Z');
    const quiet = simulate(EDUCATION_V1, start).timeline;
    const keen = simulate(EDUCATION_V1, start, {}, [
      {
        at: start + 10 * DAY,
        apply: (f) => void (f.engagements = [{ event: 'pricing_page_visit', at: start + 10 * DAY }]),
      },
    ]).timeline;
    expect(quiet.find((l) => l.startsWith('branch'))).toContain(
      '0 engagement(s) of pricing_page_visit/download/email_click since step story → no, to pause',
    );
    expect(keen.find((l) => l.startsWith('branch'))).toContain('→ yes, to checklist');
    const checklistDay = (tl: string[]) => tl.find((l) => l.includes('nurture-week-3'))!.slice(0, 10);
    expect(checklistDay(keen) < checklistDay(quiet)).toBe(true);
  });

  it('runs the five contact attempts without a send window (R8)', () => {
    const { timeline } = simulate(CONTACT_ATTEMPTS, t('2026-03-28T21:00:00Z'));
    expect(timeline.filter((l) => !l.startsWith('exit')).map((l) => l.slice(0, 16) + l.slice(20))).toEqual([
      '2026-03-28 23:00 task call first-call',
      '2026-03-30 00:00 email attempt-follow-up',
      '2026-04-01 00:00 task call second-call',
      '2026-04-05 00:00 email attempt-last-chance',
      '2026-04-12 00:00 task call final-call',
    ]);
  });

  it('gives a task its own SLA as due time', () => {
    const d = decide(CONTACT_ATTEMPTS, startPosition(CONTACT_ATTEMPTS, 0), {
      now: 0,
      score: 0,
      grade: null,
      buyerStage: null,
      attributes: {},
      engagements: [],
      exits: [],
      marketingSends: [],
      isMarketing: () => false,
    });
    expect(d).toMatchObject({ type: 'task', dueAt: 20 * 60_000 });
  });
});

describe('tracks by buyer stage (R13)', () => {
  it('never puts a decision-stage lead on a slow track', () => {
    expect(trackFor(NURTURE_TRACKS, 'decision')).toBe(DECISION.id);
    expect(trackFor(NURTURE_TRACKS, 'problem_recognition')).toBe(EDUCATION.id);
    expect(trackFor(NURTURE_TRACKS, null)).toBe(R10_HARD_LEAD.id);
    expect(checkTracks(NURTURE_TRACKS, CADENCES)).toEqual([]);
    expect(
      checkTracks({ ...NURTURE_TRACKS, byStage: { ...NURTURE_TRACKS.byStage, decision: EDUCATION.id } }, CADENCES),
    ).toEqual(['track set nurture: the decision stage lands on the slow track education (R13)']);
    expect(checkTracks({ ...NURTURE_TRACKS, unknownStage: 'gone' }, CADENCES)).toEqual([
      'track set nurture: unknown goes to gone, which does not exist',
    ]);
  });

  it('switches track starting the new track’s own content, never a template the lead already had', () => {
    const start = t('2026-02-02T08:00:00Z');
    let pos = startPosition(EDUCATION, start);
    pos = completeStep(EDUCATION, { ...pos, at: 1 }, start + 2 * DAY); // the first article went
    const now = start + 5 * DAY;
    const moved = switchTrack(EVALUATION, pos, ['nurture-education-problem'], now);
    // The evaluation track's content is new to the lead: from its beginning, after its pause.
    expect(EVALUATION.steps[moved.at]!.id).toBe('settle');
    expect(moved).toMatchObject({
      cadence: 'evaluation',
      version: 1,
      startedAt: start,
      reached: { settle: now },
      done: ['problem'],
      skip: ['nurture-education-problem'],
    });
    // Back again after the comparison and the case study: education resumes at what the lead has not had.
    const back = switchTrack(
      EDUCATION,
      { ...moved, done: ['problem', 'comparison', 'case-study'] },
      ['nurture-education-problem', 'nurture-evaluation-comparison', 'nurture-evaluation-case-study'],
      now,
    );
    expect(EDUCATION.steps[back.at]!.id).toBe('to-guide');
  });

  it('switches as tracks that shared their content did, for leads whose history did (keepProgress)', () => {
    const start = t('2026-02-02T08:00:00Z');
    let pos = startPosition(EDUCATION_V1, start);
    pos = completeStep(EDUCATION_V1, { ...pos, at: 1 }, start + 2 * DAY); // the story (nurture-week-1) went
    const now = start + 5 * DAY;
    const moved = switchTrack(R10_HARD_LEAD, pos, ['nurture-week-1'], now, { keepProgress: true });
    // R10's pack is its first act and has not gone: after one touch the lead lands on it, never on the story again.
    expect(R10_HARD_LEAD.steps[moved.at]!.id).toBe('after-pack');
    expect(moved).toMatchObject({
      cadence: 'r10-hard-lead',
      version: 2,
      startedAt: start,
      done: ['story'],
      skip: ['nurture-week-1'],
    });
    // Going on, it skips the content the lead had on the other track.
    const facts: LeadFacts = {
      now: now + 60 * DAY,
      score: 0,
      grade: 'cold',
      buyerStage: 'evaluation',
      attributes: {},
      engagements: [],
      exits: [],
      timeZone: 'Europe/Helsinki',
      marketingSends: [],
      isMarketing: ctx.isMarketing,
    };
    const onWeek1 = decide(
      R10_HARD_LEAD,
      { ...moved, at: R10_HARD_LEAD.steps.findIndex((s) => s.id === 'week-1') },
      facts,
    );
    expect(onWeek1).toMatchObject({
      type: 'email',
      step: { id: 'week-2' },
      trace: ['skip week-1: had nurture-week-1 before the track switch'],
    });
    const back = switchTrack(
      EDUCATION_V1,
      { ...moved, done: ['story', 'pack-call', 'week-2'] },
      ['nurture-week-1', 'nurture-week-2'],
      now,
      { keepProgress: true },
    );
    expect(EDUCATION_V1.steps[back.at]!.id).toBe('to-demo');
    // The shared-content tracks are what a lead whose history chose under them replays.
    expect(nurtureTrack('evaluation', false)).toBe(R10_HARD_LEAD);
    expect(nurtureTrack('post_purchase', false)).toBe(EDUCATION_V1);
    expect(nurtureTrack('post_purchase')).toBe(ONBOARDING);
  });
});

describe('content by buyer stage (R13, R11)', () => {
  const monday = t('2026-02-02T08:00:00Z');
  const emails = (cadence: Cadence) =>
    simulate(cadence, monday)
      .timeline.filter((l) => l.includes(' email '))
      .map((l) => l.split(' email ')[1]!);

  it('gives each stage its own content: education, then comparisons, case studies and prices, then the rep’s demo and offer, and onboarding after the purchase', () => {
    const byStage = Object.fromEntries(
      (['problem_recognition', 'information_search', 'evaluation', 'decision', 'post_purchase', null] as const).map(
        (stage) => [stage ?? 'unknown', emails(nurtureTrack(stage))],
      ),
    );
    expect(byStage).toEqual({
      problem_recognition: ['nurture-education-problem', 'nurture-education-guide', 'nurture-education-report'],
      information_search: ['nurture-education-problem', 'nurture-education-guide', 'nurture-education-report'],
      evaluation: ['nurture-evaluation-comparison', 'nurture-evaluation-case-study', 'nurture-evaluation-pricing'],
      decision: ['nurture-decision-demo', 'nurture-decision-offer'],
      post_purchase: ['nurture-onboarding-welcome', 'nurture-onboarding-training', 'nurture-onboarding-check-in'],
      unknown: [
        'nurture-info-pack',
        'nurture-week-1',
        'nurture-week-2',
        'nurture-week-3',
        'nurture-week-4',
        'nurture-week-5',
      ],
    });
    // The rep acts in the later stages: a call after the prices, a call to book the demo.
    expect(simulate(EVALUATION, monday).timeline).toContainEqual(expect.stringMatching(/ task call pricing-call$/));
    expect(simulate(DECISION, monday).timeline).toContainEqual(expect.stringMatching(/ task call demo-call$/));
  });

  /** Every template a nurture track other than onboarding could send, in any version: pre-sale mail. */
  const preSale = new Set(
    [EDUCATION, EVALUATION, DECISION, R10_HARD_LEAD]
      .flatMap((c) => [c, ...(c.previous ?? [])])
      .flatMap((c) => c.steps.flatMap((s) => (s.kind === 'email' ? [s.template] : []))),
  );

  it('sends a post-purchase lead onboarding only, however far it had gone on another track', () => {
    expect(emails(nurtureTrack('post_purchase')).filter((tpl) => preSale.has(tpl))).toEqual([]);
    fc.assert(
      fc.property(
        fc.constantFrom(EDUCATION, EDUCATION_V1, EVALUATION, DECISION, R10_HARD_LEAD),
        fc.integer({ min: 0, max: 60 }),
        (from, days) => {
          // The lead runs `days` on its old track, then becomes a customer.
          const { sent } = journey(from, monday, [{ at: monday + days * DAY, stage: 'post_purchase' }]);
          const after = sent.filter((s) => s.at >= monday + days * DAY).map((s) => s.template);
          expect(after.filter((tpl) => preSale.has(tpl) || !tpl.startsWith('nurture-onboarding-'))).toEqual([]);
          // Every old track still runs a week in: the customer gets its onboarding.
          if (days <= 7) expect(after.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never sends a lead the same e-mail twice, whatever its stage does, forward and back', () => {
    const stages = ['problem_recognition', 'information_search', 'evaluation', 'decision', 'post_purchase'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom<string | null>(null, ...stages),
        fc.array(fc.record({ day: fc.integer({ min: 0, max: 70 }), stage: fc.constantFrom(...stages) }), {
          maxLength: 6,
        }),
        (first, moves) => {
          const { sent } = journey(
            nurtureTrack(first),
            monday,
            [...(first ? [{ day: 0, stage: first }] : []), ...moves].map((m) => ({
              at: monday + m.day * DAY,
              stage: m.stage,
            })),
          );
          const templates = sent.map((s) => s.template);
          expect(new Set(templates).size).toBe(templates.length);
          // Each e-mail is from the track of the stage the lead was in when it went.
          for (const s of sent) expect(s.track).toBe(nurtureTrack(s.stage).id);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a track set where a template could reach a lead twice, on two tracks', () => {
    const repeating: Cadence = {
      ...EVALUATION,
      version: 2,
      previous: [EVALUATION],
      steps: [
        ...EVALUATION.steps,
        wait('to-guide', '7 days'),
        email('guide', 'nurture-education-guide', 'how-to guide'),
      ],
    };
    const set = CADENCES.map((c) => (c.id === EVALUATION.id ? repeating : c));
    expect(checkCadence(repeating, ctx)).toEqual([]); // sound on its own
    expect(checkTracks(NURTURE_TRACKS, set)).toEqual([
      'track set nurture: nurture-education-guide could reach a lead twice, on education v2 and again on evaluation v2 when its buyer stage moves (R11)',
      'track set nurture: nurture-education-guide could reach a lead twice, on evaluation v2 and again on education v2 when its buyer stage moves (R11)',
    ]);
    expect(checkAll(set, [NURTURE_TRACKS], ctx)).toHaveLength(2);
    // An old version counts too: a lead pinned on it may have had its content.
    const oldRepeat: Cadence = {
      ...DECISION,
      version: 2,
      previous: [{ ...DECISION, steps: [email('pricing', 'nurture-evaluation-pricing', 'prices')] }],
    };
    expect(
      checkTracks(
        NURTURE_TRACKS,
        CADENCES.map((c) => (c.id === DECISION.id ? oldRepeat : c)),
      ),
    ).toEqual([
      'track set nurture: nurture-evaluation-pricing could reach a lead twice, on decision v1 and again on evaluation v1 when its buyer stage moves (R11)',
    ]);
    // The shipped library passes.
    expect(checkAll(CADENCES, [NURTURE_TRACKS], ctx)).toEqual([]);
  });
});

/**
 * A nurtured lead's journey, purely, until its track ends: the interpreter on its track, and at
 * each stage move the switch the workflow makes (nurtureTrack, switchTrack, the templates it had).
 * Every e-mail with the track it came from and the lead's stage then.
 */
function journey(first: Cadence, start: number, moves: { at: number; stage: string }[]) {
  const facts: LeadFacts = {
    now: start,
    score: 0,
    grade: 'cold',
    buyerStage: null,
    attributes: {},
    engagements: [],
    exits: [],
    timeZone: 'Europe/Helsinki',
    marketingSends: [],
    isMarketing: () => false, // the frequency cap is not what is tested here
  };
  let cadence = first;
  let position = startPosition(first, start);
  const sent: { template: string; at: number; track: string; stage: string | null }[] = [];
  let pending = [...moves].sort((a, b) => a.at - b.at);
  for (let i = 0; i < 500; i++) {
    for (const move of pending.filter((m) => m.at <= facts.now)) {
      facts.buyerStage = move.stage;
      const to = nurtureTrack(move.stage);
      if (to.id === position.cadence) continue;
      position = switchTrack(
        to,
        position,
        sent.map((s) => s.template),
        facts.now,
      );
      cadence = to;
    }
    pending = pending.filter((m) => m.at > facts.now);
    const d = decide(cadence, position, facts);
    position = d.position;
    if (d.type === 'exit') return { sent };
    if (d.type === 'wait') {
      facts.now = Math.min(d.until, pending[0]?.at ?? Infinity);
      continue;
    }
    if (d.type === 'email')
      sent.push({ template: d.step.template, at: facts.now, track: cadence.id, stage: facts.buyerStage });
    position = completeStep(cadence, position, facts.now);
  }
  throw new Error('did not end');
}

describe('the checker: run on every shipped cadence, and at worker start', () => {
  it('passes every shipped cadence', () => {
    for (const c of CADENCES) expect(checkCadence(c, ctx)).toEqual([]);
  });

  const base: Cadence = {
    id: 'x',
    version: 1,
    policy: 'pinned',
    title: 'x',
    purpose: 'marketing',
    pace: 'slow',
    exitOn: ['replied'],
    sendWindow: OFFICE_HOURS,
    steps: [],
  };
  const check = (steps: Cadence['steps'], over: Partial<Cadence> = {}) =>
    checkCadence({ ...base, steps, ...over }, ctx);

  it('rejects an unreachable step', () => {
    expect(
      check([
        { kind: 'exit', id: 'end', reason: 'done' },
        { kind: 'email', id: 'lost', template: 'nurture-week-1', summary: '' },
      ]),
    ).toEqual(['x v1 step lost: unreachable']);
  });
  it('rejects unbounded loops: a branch backwards, a goto without a bound or without a wait', () => {
    expect(
      check([
        { kind: 'wait', id: 'w', for: '1 day' },
        { kind: 'branch', id: 'b', when: { grade: ['cold'] }, then: 'w' },
      ]),
    ).toEqual(['x v1 step b: branches back to w: an unbounded loop (use a goto with a bound)']);
    expect(
      check([
        { kind: 'wait', id: 'w', for: '1 day' },
        { kind: 'goto', id: 'g', to: 'w', times: Infinity },
      ]),
    ).toEqual(['x v1 step g: loop bound must be a whole number from 0 to 52']);
    expect(
      check([
        { kind: 'email', id: 'e', template: 'nurture-week-1', summary: '' },
        { kind: 'goto', id: 'g', to: 'e', times: 3 },
      ]),
    ).toEqual(['x v1 step g: loops back to e without a wait']);
  });
  it('rejects a missing template and a goto to nowhere', () => {
    expect(check([{ kind: 'email', id: 'e', template: 'nurture-week-9', summary: '' }])).toEqual([
      'x v1 step e: template nurture-week-9 does not exist',
    ]);
    expect(check([{ kind: 'goto', id: 'g', to: 'nowhere', times: 1 }])).toEqual([
      'x v1 step g: goes to nowhere, which does not exist',
    ]);
  });
  it('rejects a wait with no bound, or longer than 400 days', () => {
    expect(check([{ kind: 'wait', id: 'w' }])).toEqual([
      "x v1 step w: wait has no bound (give it a duration or until: 'send_window')",
    ]);
    expect(check([{ kind: 'wait', id: 'w', for: '500 days' }])).toEqual([
      'x v1 step w: wait 500 days is not a duration between 0 and 400 days',
    ]);
    expect(check([{ kind: 'wait', id: 'w', until: 'send_window' }], { sendWindow: undefined })).toEqual([
      'x v1 step w: waits for the send window, but the cadence has none',
    ]);
  });
  it('rejects an e-mail that would bypass consent: personal mail in a marketing cadence (R18)', () => {
    expect(check([{ kind: 'email', id: 'e', template: 'attempt-follow-up', summary: '' }])).toEqual([
      'x v1 step e: would bypass consent: attempt-follow-up goes out as personal mail in a marketing cadence (R18)',
    ]);
    expect(
      check([{ kind: 'email', id: 'e', template: 'attempt-follow-up', summary: '' }], { purpose: 'sales' }),
    ).toEqual([]);
  });
  it('rejects an e-mail that ignores quiet hours after a wait, and duplicate step ids', () => {
    expect(
      check([
        { kind: 'wait', id: 'w', for: '1 day' },
        { kind: 'email', id: 'e', template: 'nurture-week-1', summary: '', answersTheLead: true },
      ]),
    ).toEqual(['x v1 step e: only an e-mail before any wait may answer the lead in a quiet hour']);
    expect(
      check([
        { kind: 'wait', id: 'w', for: '1 day' },
        { kind: 'wait', id: 'w', for: '1 day' },
      ]),
    ).toEqual(['x v1 step w: duplicate step id']);
  });
});

describe('changing a cadence while leads run: pinned or migrate', () => {
  const v1 = R10_HARD_LEAD.previous![0]!;
  const at = (c: Cadence, id: string): Position => ({
    ...startPosition(c, 0),
    at: c.steps.findIndex((s) => s.id === id),
  });
  it('keeps a lead on its own version when the new one is pinned', () => {
    const v2: Cadence = { ...v1, version: 2, policy: 'pinned', previous: [v1] };
    const found = resolveWith(v2, at(v1, 'week-1'));
    expect(found).toMatchObject({ cadence: { version: 1 }, migrate: false });
  });
  it('moves a lead to the new version at the same step when the new one migrates, or to its end if the step is gone', () => {
    const v2: Cadence = {
      ...v1,
      version: 2,
      policy: 'migrate',
      previous: [v1],
      steps: v1.steps.filter((s) => s.id !== 'week-3'),
    };
    const found = resolveWith(v2, at(v1, 'week-1'))!;
    expect(found).toMatchObject({ cadence: { version: 2 }, migrate: true });
    const moved = migratePosition(found.from, v2, at(v1, 'week-1'));
    expect(v2.steps[moved.at]!.id).toBe('week-1');
    expect(migratePosition(v1, v2, at(v1, 'week-3')).at).toBe(v2.steps.length);
  });

  /** definitionFor against a registry where `current` replaced R10. */
  function resolveWith(current: Cadence, position: Position) {
    const i = (CADENCES as Cadence[]).indexOf(R10_HARD_LEAD);
    (CADENCES as Cadence[])[i] = current;
    try {
      return definitionFor(position);
    } finally {
      (CADENCES as Cadence[])[i] = R10_HARD_LEAD;
    }
  }
});

describe('the worker start check', () => {
  it('finds nothing wrong with what ships, and names every problem of a broken set', () => {
    expect(() => assertCadencesSound()).not.toThrow();
    const broken: Cadence = { ...LONG_TERM_NURTURE, steps: [{ kind: 'wait', id: 'w' }] };
    expect(checkAll([...CADENCES, broken], [NURTURE_TRACKS], ctx)).toEqual([
      'cadence id long-term-nurture is used twice',
      "long-term-nurture v1 step w: wait has no bound (give it a duration or until: 'send_window')",
    ]);
  });
});

describe('long-term nurture keeps to a year (R4)', () => {
  it('sends its fourth check-in within 366 days of the start, whatever the start, office hours and DST included', () => {
    for (let start = t('2026-01-01T00:00:00Z'); start < t('2027-01-01T00:00:00Z'); start += 5 * HOUR) {
      const sends = simulate(LONG_TERM_NURTURE, start).timeline.filter((l) => l.includes('long-term-check-in'));
      expect(sends).toHaveLength(4);
      const last = sends[3]!.slice(0, 16);
      const lastAt =
        zonedInstant(+last.slice(0, 4), +last.slice(5, 7), +last.slice(8, 10), +last.slice(11, 13), 'Europe/Helsinki') +
        +last.slice(14, 16) * 60_000;
      expect(lastAt - start).toBeLessThan(366 * DAY);
    }
  });
});
