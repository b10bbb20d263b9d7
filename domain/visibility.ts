/**
 * The visibility queries managers paste into the Temporal UI's search box (docs/scoring.md), as
 * of `now`: the UI takes absolute times, so the page shows them filled in with today's date.
 */
export const MANAGER_QUERIES = {
  /** Leads in a buyer stage for more than `days` days, e.g. evaluation for more than 14. */
  inStageFor: (stage: string, days: number, now: Date) =>
    `ExecutionStatus = "Running" AND BuyerStage = "${stage}" AND StageEnteredAt < "${new Date(now.getTime() - days * 86_400_000).toISOString()}"`,
  /** Leads whose first-contact SLA has passed without a logged contact (R6). */
  pastSla: (now: Date) =>
    `ExecutionStatus = "Running" AND LeadStage = "contacting" AND SlaDeadline < "${now.toISOString()}"`,
} as const;
