/**
 * The buyer stage moves (R13, issue 15): engagement infers it with rules in the scoring model's
 * style — plain data, each with a label that explains the move the way a score line explains
 * points. A rule only moves a lead forward (a pricing-page visit does not take a lead in the
 * decision stage back to evaluation); a rep's outcome may set any stage, forward or back. Pure.
 */
import { BUYER_STAGES, type BuyerStage } from './lifecycle';
import type { EngagementEvent } from './journey/types';

export interface StageRule {
  id: string;
  /** Shown with the move on the lead's timeline, e.g. 'visited the pricing page'. */
  label: string;
  event: EngagementEvent;
  /** Matched against the page or form path when set. */
  path?: RegExp;
  to: BuyerStage;
}

/** The rules every lead follows: pricing pages mean evaluation, a demo request means decision. */
export const STAGE_RULES: readonly StageRule[] = [
  { id: 'pricing-page', label: 'visited the pricing page', event: 'pricing_page_visit', to: 'evaluation' },
  {
    id: 'pricing-path',
    label: 'visited the pricing page',
    event: 'page_visit',
    path: /^\/pricing\b/i,
    to: 'evaluation',
  },
  { id: 'demo-request', label: 'asked for a demo', event: 'form_submit', path: /demo/i, to: 'decision' },
];

const rank = (stage: string | null | undefined) => BUYER_STAGES.indexOf(stage as BuyerStage);

/**
 * The stage engagement moves the lead to, with why; null when no rule moves it forward. The
 * furthest stage any signal reaches wins. A customer (post_purchase) is never moved by engagement.
 */
export function inferBuyerStage(
  current: string | null,
  signals: readonly { event: string; path?: string }[],
  rules: readonly StageRule[] = STAGE_RULES,
): { to: BuyerStage; rule: string; reason: string } | null {
  if (current === 'post_purchase') return null;
  let best: StageRule | undefined;
  for (const signal of signals) {
    for (const rule of rules) {
      if (rule.event !== signal.event || (rule.path && !rule.path.test(signal.path ?? ''))) continue;
      if (rank(rule.to) > rank(best?.to ?? current)) best = rule;
    }
  }
  return best ? { to: best.to, rule: best.id, reason: `${best.label} (rule ${best.id})` } : null;
}
