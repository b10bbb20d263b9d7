/** Small constructors so a cadence reads as a list of steps: `[email('info', 'nurture-info-pack', …), wait('3 days'), call(…)]`. */
import type { Duration } from '@temporalio/common';
import type { BranchStep, Condition, EmailStep, ExitStep, GotoStep, StepId, TaskStep, WaitStep } from './types';

export const email = (id: StepId, template: string, summary: string): EmailStep => ({
  kind: 'email',
  id,
  template,
  summary,
});
export const wait = (id: StepId, duration: Duration, summary?: string): WaitStep => ({
  kind: 'wait',
  id,
  for: duration,
  summary,
});
export const waitForSendWindow = (id: StepId): WaitStep => ({
  kind: 'wait',
  id,
  until: 'send_window',
  summary: 'the next allowed send time',
});
export const call = (id: StepId, summary: string, sla: Duration): TaskStep => ({
  kind: 'task',
  id,
  task: 'call',
  summary,
  sla,
});
export const task = (id: StepId, summary: string, sla: Duration): TaskStep => ({
  kind: 'task',
  id,
  task: 'other',
  summary,
  sla,
});
export const branch = (
  id: StepId,
  when: Condition,
  then: StepId,
  otherwise?: StepId,
  summary?: string,
): BranchStep => ({ kind: 'branch', id, when, then, otherwise, summary });
export const loop = (id: StepId, to: StepId, times: number): GotoStep => ({ kind: 'goto', id, to, times });
export const exit = (id: StepId, reason: string): ExitStep => ({ kind: 'exit', id, reason });

/** Nordic office hours: Monday to Friday, 9 to 17 local time. */
export const OFFICE_HOURS = {
  days: [1, 2, 3, 4, 5],
  startHour: 9,
  endHour: 17,
  fallbackTimeZone: 'Europe/Helsinki',
} as const;
