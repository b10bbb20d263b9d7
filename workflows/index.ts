export { leadWorkflow } from './lead';
export { reconcileWorkflow } from './reconcile';
