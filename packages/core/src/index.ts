export { APP_ERROR_STATUS, AppError, type AppErrorCode, isAppError } from './access/app-error.js';
export {
  assignableRoles,
  can,
  decideMemberChange,
  isRole,
  PERMISSION_MATRIX,
  PERMISSIONS,
  type Permission,
  permissionsOf,
  ROLES,
  type Role,
  type RoleChangeVerdict,
} from './access/permissions.js';
export { type InvitationClaims, type InvitationTokenCheck, signInvitationToken, verifyInvitationToken } from './auth/invitation-token.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { emailSchema, newPasswordSchema, personNameSchema } from './auth/schemas.js';
export { decideSignInThrottle, type FailureWindow, SIGN_IN_THROTTLE, type ThrottleDecision } from './auth/throttle.js';
export { API_TOKEN_PREFIX, constantTimeEqual, type GeneratedApiToken, generateApiToken, looksLikeApiToken, randomSecret, sha256Hex } from './auth/tokens.js';
export {
  BUDGET_WARNING_PERCENT,
  type Budget,
  type BudgetChange,
  type BudgetDecision,
  type BudgetScope,
  type BudgetUse,
  budgetDenialMessage,
  budgetLabel,
  budgetWarning,
  describeHeadroom,
  evaluateBudgetSequence,
  evaluateBudgets,
} from './cost/budget.js';
export { alertTransition, BUDGET_ALERT_THRESHOLDS, type BudgetAlertThreshold, reachedThreshold } from './cost/budget-alerts.js';
export {
  type BillingPeriod,
  billingMonth,
  draftInvoice,
  type InvoiceDraft,
  InvoiceError,
  type InvoiceLine,
  invoiceSubtotals,
  type UsageInterval,
} from './cost/invoice.js';
export { applyLimitRangeDefaults } from './cost/limit-range.js';
export { divideRoundHalfUp, formatMicros, formatMonthlyMicros, MICROS_PER_DOLLAR, parseDollarsToMicros } from './cost/money.js';
export {
  type ConditionValue,
  DEFAULT_MEMORY_GIB_MONTH_MICROS,
  DEFAULT_PRICE_RULES,
  DEFAULT_STORAGE_GIB_MONTH_MICROS,
  DEFAULT_VCPU_MONTH_MICROS,
  defaultPlatformPriceBookEntries,
  HOURS_PER_MONTH,
  LOGICAL_CLUSTER_KIND,
  type MatchCondition,
  MatchConditionSchema,
  PPM,
  PRICE_UNITS,
  PRICING_SETTING_NAMES,
  PRICING_SETTINGS,
  type PriceBook,
  type PriceBookEntry,
  PriceBookError,
  type PriceBookSettings,
  type PriceRule,
  PriceRuleSchema,
  type PriceUnit,
  type PricingSetting,
  priceBookAt,
  priceBookOf,
  settingSubject,
  UNIT_DENOMINATOR,
  validatePriceRule,
  validateSetting,
} from './cost/price-book.js';
export {
  describeObject,
  isScaleTarget,
  type ObjectPrice,
  type PriceDelta,
  type PriceLine,
  type PricingContext,
  PricingError,
  podRequests,
  priceDelta,
  priceObject,
  scaleSignature,
  scaleTargetOf,
} from './cost/price-object.js';
export { type FieldPath, isScalableKind, KIND_PRICING, type KindPricing, kindPricing, type PodCountRule } from './cost/pricing-table.js';
export {
  applyRunRateUpdates,
  type BudgetCap,
  budgetPath,
  type CostNode,
  type CostTree,
  CostTreeError,
  computeRunRates,
  costNodeKey,
  costPath,
  diffRunRates,
  emptyRunRates,
  type RunRates,
  type RunRateUpdate,
  runRateOf,
  runRateUpdates,
} from './cost/run-rate.js';
export { displayNameSchema, orgSlugSchema, RESERVED_SLUGS, slugify, slugSchema } from './org/slug.js';
export {
  buildTeamTree,
  checkNewTeamDepth,
  checkTeamMove,
  MAX_TEAM_DEPTH,
  type MoveVerdict,
  subtreeIds,
  type TeamLike,
  type TeamNode,
} from './org/team-tree.js';
export {
  type AcquisitionContext,
  type AcquisitionDecision,
  type AcquisitionRequest,
  type AcquisitionRule,
  type AcquisitionViolation,
  type ClusterTemplate,
  DNS_1123_LABEL_MAX_LENGTH,
  describePolicySource,
  evaluateAcquisition,
  isDns1123Label,
  type PolicySource,
  type TeamRef,
} from './policy/acquisition.js';
export {
  clusterAccessGroups,
  clusterContextName,
  effectiveTeamIds,
  mayAccessClusterIn,
  mayManageClustersIn,
  mayManageOthersClusterTokens,
  orgAdminsGroup,
  retainedClusterAccessGroups,
  teamAncestry,
  teamGroup,
} from './policy/cluster-access.js';
export {
  compareQuantities,
  formatBytes,
  formatCpuMillis,
  parseBytes,
  parseCpuMillis,
  parseQuantity,
  type Quantity,
  QuantityError,
  quantityOf,
  quantityToMillis,
  quantityToUnits,
} from './quantity/quantity.js';
