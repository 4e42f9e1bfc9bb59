export { type BudgetAlertRow, listBudgetAlerts, listCurrentBudgetAlerts } from './budget-alerts.js';
export { type BudgetDenialRow, listBudgetDenials } from './budget-denials.js';
export { type CostBreakdown, type CostBreakdownRow, getCostBreakdown } from './cost-breakdown.js';
export { type CostNodeRef, type ResolvedCostNode, resolveCostNode } from './cost-node.js';
export { getRunRateHistory, type RunRateHistory, type RunRatePoint } from './run-rate-history.js';
