/** The pure rules behind the lead workflow (domain/lifecycle.ts): every outcome in every stage. */
import {
  acceptsOutcomes,
  afterScore,
  isAdvanced,
  outcomeEffect,
  REP_OUTCOMES,
  watchesSilence,
  type LeadStage,
} from '../domain/lifecycle';

const lead = { attempts: 0, maxAttempts: 5 };

describe('rep outcomes while contacting (R8, R13, R15, R17)', () => {
  it('counts no answer and voicemail as attempts and gives up after the fifth (R8)', () => {
    expect(outcomeEffect('contacting', 'no_answer', { attempts: 3, maxAttempts: 5 })).toEqual({
      countsAsAttempt: true,
      reached: false,
      next: undefined,
    });
    expect(outcomeEffect('contacting', 'voicemail', { attempts: 4, maxAttempts: 5 }).next).toEqual({
      stage: 'not_interested',
      reason: 'no reach after 5 attempts (R8)',
    });
  });

  it('sends a reached lead that is not ready to nurture (R17)', () => {
    expect(outcomeEffect('contacting', 'reached', lead)).toMatchObject({
      reached: true,
      countsAsAttempt: true,
      next: { stage: 'nurturing' },
    });
    expect(outcomeEffect('contacting', 'replied', lead).next?.stage).toBe('nurturing');
  });

  it('never puts an advanced-stage lead into slow nurture (R13)', () => {
    expect(outcomeEffect('contacting', 'reached', { ...lead, buyerStage: 'decision' }).next?.stage).toBe('qualified');
    expect(outcomeEffect('contacting', 'meeting_booked', lead).next?.stage).toBe('qualified');
    expect(outcomeEffect('nurturing', 'meeting_booked', lead).next?.stage).toBe('qualified');
  });

  it('keeps a not-interested lead on its own word, and stops mailing a wrong contact without closing it (R4, R8)', () => {
    expect(outcomeEffect('contacting', 'not_interested', lead).next?.stage).toBe('not_interested');
    expect(outcomeEffect('nurturing', 'wrong_contact', lead)).toEqual({
      stopMail: true,
      countsAsAttempt: false,
      reached: false,
      next: undefined,
    });
    // While contacting, a wrong contact is an attempt that did not reach the person: the fifth closes the lead (R8).
    expect(outcomeEffect('contacting', 'wrong_contact', lead)).toMatchObject({ stopMail: true, countsAsAttempt: true });
    expect(outcomeEffect('contacting', 'wrong_contact', { ...lead, attempts: 4 }).next?.stage).toBe('not_interested');
  });
});

describe('outcomes in later stages', () => {
  it('brings a not-interested lead that is reached again back to nurture (R4)', () => {
    expect(outcomeEffect('not_interested', 'reached', lead).next?.stage).toBe('nurturing');
  });

  it('records outcomes on a lead with sales without moving it', () => {
    for (const outcome of ['reached', 'replied', 'meeting_booked', 'no_answer'] as const) {
      expect(outcomeEffect('handed_off', outcome, lead).next).toBeUndefined();
    }
  });

  it('counts attempts only while contacting', () => {
    for (const stage of ['nurturing', 'qualified', 'handed_off', 'not_interested'] as LeadStage[]) {
      for (const outcome of REP_OUTCOMES) expect(outcomeEffect(stage, outcome, lead).countsAsAttempt).toBe(false);
    }
  });
});

describe('qualification and silence', () => {
  it('qualifies on the MQL threshold only leads marketing still holds (R14, R18)', () => {
    expect(afterScore('nurturing', true)?.stage).toBe('qualified');
    expect(afterScore('contacting', true)?.stage).toBe('qualified');
    expect(afterScore('handed_off', true)).toBeUndefined();
    expect(afterScore('nurturing', false)).toBeUndefined();
  });

  it('treats the decision stage and a booked meeting as advanced (R13)', () => {
    expect(isAdvanced('decision', false)).toBe(true);
    expect(isAdvanced('evaluation', true)).toBe(true);
    expect(isAdvanced('information_search', false)).toBe(false);
  });

  it('watches for silence only from the evaluation stage on, in the stages after first contact (R20)', () => {
    expect(watchesSilence('evaluation', false, 'nurturing')).toBe(true);
    expect(watchesSilence(undefined, true, 'handed_off')).toBe(true);
    expect(watchesSilence('problem_recognition', false, 'nurturing')).toBe(false);
    expect(watchesSilence('evaluation', false, 'contacting')).toBe(false);
  });

  it('takes no outcomes on closed leads', () => {
    expect(acceptsOutcomes('converted')).toBe(false);
    expect(acceptsOutcomes('disqualified')).toBe(false);
    expect(acceptsOutcomes('not_interested')).toBe(true);
    expect(acceptsOutcomes('new')).toBe(true);
  });
});
