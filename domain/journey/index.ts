/** The lead's journey as a pure decision core (no decision waits on an effect; effects come back as events): state, events, effects and `decide`. */
export * from './types';
export { decide, initialState, refusal, rememberedAnswer, REMEMBERED_ANSWERS, runIsOver, type NewLead } from './decide';
export { MAX_SCHEDULED, RECORDED_ENGAGEMENTS } from './events';
export { BATCHED_ACTIVITIES, BATCHED_KINDS, batchOf, callFor, type BatchedActivity, type Call } from './batch';
