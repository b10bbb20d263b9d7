/**
 * Issue 15, item 4 (R13): the buyer stage moves. Rules in the scoring model's style infer it from
 * engagement (pure); in the real lead workflow on the time-skipping server, a pricing-page visit
 * moves a nurtured lead to evaluation and its track, a rep's outcome moves it back, each move
 * recorded with its reason on the timeline and the lead row, and no template is ever sent twice.
 */
import { randomUUID } from 'node:crypto';
import { inferBuyerStage } from '../domain/buyer-stage';
import { engagementSignal, reportOutcomeUpdate, type LeadState } from '../workflows/contracts';
import { DAY, startHarness, waitForState, type Harness } from './helpers/lifecycle';

describe('rules that infer the buyer stage from engagement', () => {
  it('moves to evaluation on a pricing page, to decision on a demo request, and explains why', () => {
    expect(inferBuyerStage('information_search', [{ event: 'pricing_page_visit' }])).toEqual({
      to: 'evaluation',
      rule: 'pricing-page',
      reason: 'visited the pricing page (rule pricing-page)',
    });
    expect(inferBuyerStage(null, [{ event: 'page_visit', path: '/pricing/enterprise' }])?.to).toBe('evaluation');
    expect(inferBuyerStage('evaluation', [{ event: 'form_submit', path: '/forms/demo-request' }])).toEqual({
      to: 'decision',
      rule: 'demo-request',
      reason: 'asked for a demo (rule demo-request)',
    });
  });

  it('never moves a lead back, nor a customer, and the furthest stage in a batch wins', () => {
    expect(inferBuyerStage('decision', [{ event: 'pricing_page_visit' }])).toBeNull();
    expect(inferBuyerStage('post_purchase', [{ event: 'form_submit', path: '/demo' }])).toBeNull();
    expect(inferBuyerStage('evaluation', [{ event: 'page_visit', path: '/blog/pricing-tips' }])).toBeNull();
    expect(
      inferBuyerStage('problem_recognition', [{ event: 'form_submit', path: '/demo' }, { event: 'pricing_page_visit' }])
        ?.to,
    ).toBe('decision');
  });
});

describe('the buyer stage moves in the lead workflow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('buyer-stage');
  });
  afterAll(() => h.close());

  const sends = (s: LeadState) =>
    s.cadence!.log.filter((l) => /^email [a-z0-9-]+$/.test(l.what)).map((l) => l.what.split(' ')[1]!);

  it('switches track forward on a pricing-page visit and back on the rep’s word, recording each move, never repeating a template', async () => {
    const rep = await h.addRep('bs', { country: `BS${h.tag}` });
    const to = `bs.${h.tag}@example.com`;
    const { leadId, handle } = await h.capture({
      email: to,
      firstName: 'Bea',
      country: `BS${h.tag}`,
      buyerStage: 'information_search',
      consent: { marketing: true },
    });
    await waitForState(handle, (s) => s.stage === 'contacting');
    const reached = { requestId: randomUUID(), outcome: 'reached' as const, actor: { role: 'rep', repId: rep.repId } };
    expect(await handle.executeUpdate(reportOutcomeUpdate, { args: [reached] })).toMatchObject({
      stage: 'nurturing',
      cadence: { id: 'education' },
    });
    await h.env.sleep(5 * DAY);

    // Forward: engagement infers evaluation.
    await handle.signal(engagementSignal, {
      requestId: randomUUID(),
      event: 'pricing_page_visit',
      at: new Date(await h.env.currentTimeMs()).toISOString(),
    });
    const forward = await waitForState(handle, (s) => s.cadence?.id === 'evaluation');
    expect(forward.buyerStage).toBe('evaluation');
    expect(forward.buyerStageMoves!.at(-1)).toMatchObject({
      from: 'information_search',
      to: 'evaluation',
      reason: 'engagement: visited the pricing page (rule pricing-page)',
    });
    await h.env.sleep(10 * DAY);

    // Back: the rep finds the lead still searching.
    const back = await handle.executeUpdate(reportOutcomeUpdate, {
      args: [{ ...reached, requestId: randomUUID(), outcome: 'replied' as const, buyerStage: 'information_search' }],
    });
    expect(back.buyerStage).toBe('information_search');
    const switchedBack = await waitForState(handle, (s) => s.cadence?.id === 'education');
    expect(switchedBack.buyerStageMoves!.at(-1)).toMatchObject({
      from: 'evaluation',
      to: 'information_search',
      reason: `set by the rep with outcome replied`,
    });
    await h.env.sleep(60 * DAY);
    const done = await waitForState(handle, (s) => s.cadence?.id === 'long-term-nurture' || s.cadence?.step === null);
    const templates = sends(done);
    expect(templates.length).toBeGreaterThan(1);
    expect(new Set(templates).size).toBe(templates.length);

    // Each move on the lead's timeline with its reason, and the lead row follows.
    const moves = await h.db.query<{ details: { from: string; to: string; reason: string } }>(
      "SELECT details FROM touches WHERE lead_id = $1 AND kind = 'buyer_stage' ORDER BY at, id",
      [leadId],
    );
    expect(moves.map((m) => `${m.details.from} → ${m.details.to}`)).toEqual([
      'information_search → evaluation',
      'evaluation → information_search',
    ]);
    const [row] = await h.db.query<{ buyer_stage: string }>('SELECT buyer_stage FROM leads WHERE id = $1', [leadId]);
    expect(row!.buyer_stage).toBe('information_search');
  });
});
