/** The lead's journey as a pure decision core (STYLE 15): state, events, effects and `decide`. */
export * from './types';
export { decide, initialState, refusal, runIsOver, type NewLead } from './decide';
export { MAX_SCHEDULED } from './events';
