/**
 * Public API of @patchbay/engine: the flow format, validation, the node type contract and the
 * executor. Test helpers are at `@patchbay/engine/testing`, the contract kit at
 * `@patchbay/engine/connector-kit`.
 */
export { type Clock, systemClock } from './clock.ts';
export { expressionField, templateField, templateRecordField } from './config-fields.ts';
export {
  type ConnectorPackage,
  defineConnector,
} from './connector/connector.ts';
export {
  type CredentialAccess,
  type CredentialSite,
  credentialNotFound,
  noCredentials,
  REDACTED,
  type ResolvedCredential,
  RunSecrets,
} from './connector/credential-access.ts';
export {
  type CredentialConnection,
  type CredentialTestContext,
  type CredentialTestResult,
  type CredentialTypeDefinition,
  defineCredentialType,
} from './connector/credential-type.ts';
export {
  type CredentialTypeDescriptor,
  type CredentialTypeRegistry,
  createCredentialTypeRegistry,
  describeCredentialType,
  secretFieldsOf,
} from './connector/credential-type-registry.ts';
export {
  RUN_TRIGGER_KINDS,
  type RunTriggerKind,
  type TriggerActivation,
  type TriggerContext,
  type TriggerDefinition,
  type TriggerStartOptions,
  type TriggerStartResult,
} from './connector/trigger.ts';
export {
  type ShowIf,
  secretField,
  UI_HINT_KEY,
  UI_WIDGETS,
  type UiHint,
  type UiWidget,
  uiHint,
  uiHintOf,
} from './connector/ui-hints.ts';
export {
  configWarningsOf,
  egressTargetsOf,
  type FlowConfigWarning,
  type FlowEgressTarget,
} from './egress-targets.ts';
export {
  type ErrorOptions,
  FlowValidationError,
  NodeExecutionError,
  PatchbayError,
  type SerializedError,
  toNodeError,
  type ValidationIssue,
} from './errors.ts';
export {
  type CompletedStep,
  DEFAULT_INLINE_WAIT_MAX_MS,
  type ExecuteFlowOptions,
  executeFlow,
  NOT_CONNECTED_REASON,
  OUTPUT_TOO_LARGE,
  type ResumeState,
  type RunOutcome,
  type StepOutputLimit,
  type WaitingNode,
} from './executor.ts';
export {
  checkExpressionSyntax,
  type ExpressionScope,
  type ExpressionSite,
  type ExpressionSyntaxError,
  evaluateExpression,
  withoutSequenceMarkers,
} from './expression.ts';
export {
  type ExpressionEvaluator,
  type ExpressionRequest,
  type ExpressionRuntime,
  inProcessExpressionEvaluator,
} from './expression-evaluator.ts';
export {
  DEFAULT_EXPRESSION_TIMEOUT_MS,
  EXPRESSION_ERROR_CODES,
  ExpressionError,
  type ExpressionErrorCode,
  ExpressionNeedsIsolation,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_RESULT_CHARS,
  MAX_EXPRESSION_SEQUENCE,
  MAX_EXPRESSION_TIMEOUT_MS,
  type MemoryBound,
} from './expression-limits.ts';
export { createFakeClock, type FakeClock } from './fake-clock.ts';
export {
  FLOW_DOCUMENT_VERSION,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  flowDocumentSchema,
  flowEdgeSchema,
  flowNodeSchema,
  MAX_FLOW_EDGES,
  MAX_FLOW_NODES,
  storedFlowDocumentSchema,
} from './flow-document.ts';
export {
  type EdgeIndex,
  findCycles,
  indexEdges,
  reachableFrom,
  topologicalOrder,
} from './graph.ts';
export {
  describeJsonProblem,
  type FindJsonProblemsOptions,
  findJsonProblems,
  formatJsonPath,
  type JsonPath,
  type JsonProblem,
  type JsonProblemKind,
  MAX_JSON_DEPTH,
} from './json-limits.ts';
export {
  classifyJsonataError,
  evaluateJsonata,
  type JsonataLimits,
  type JsonataScope,
} from './jsonata-evaluation.ts';
export { FAST_PATH_CAPS } from './jsonata-fast-path.ts';
export {
  defineNodeType,
  NODE_CATEGORIES,
  type NodeCategory,
  type NodeConfigWarning,
  type NodeEgressTarget,
  type NodeExecutionContext,
  type NodeResult,
  type NodeTypeDefinition,
  type NodeTypeDescriptor,
  type OutputExample,
  type PortDefinition,
  PURE_NODE_POLICY,
} from './node-type.ts';
export {
  createNodeTypeRegistry,
  describeNodeType,
  type NodeTypeRegistry,
} from './node-type-registry.ts';
export { retryDelayMs } from './resilience/backoff.ts';
export {
  applyOutcome,
  type BreakerAcquireResult,
  type BreakerDecision,
  type BreakerOutcomeResult,
  type BreakerSnapshot,
  type BreakerTransition,
  decideAcquire,
  initialBreakerSnapshot,
  MANUAL_RESET_REASON,
  observeBreaker,
  resetBreaker,
} from './resilience/breaker-state.ts';
export {
  burstToleranceMs,
  callsInCurrentPeriod,
  decideRate,
  emissionIntervalMs,
  initialRateLimitSnapshot,
  nextAllowedAtMs,
  type RateDecision,
  type RateLimitShape,
  type RateLimitSnapshot,
  throttleUntil,
} from './resilience/gcra.ts';
export {
  createInMemoryUpstreamGuard,
  type InMemoryUpstreamGuard,
  type UpstreamTargetState,
} from './resilience/in-memory-guard.ts';
export { nodePolicyOf } from './resilience/node-policy-cache.ts';
export * from './resilience/policy.ts';
export {
  FLOW_SETTINGS_JSON_SCHEMA,
  NODE_POLICY_JSON_SCHEMA,
  nodePolicyJsonSchemaFor,
} from './resilience/policy-json-schema.ts';
export {
  CircuitOpenError,
  RateLimitedError,
  RateLimitWaitExceededError,
} from './resilience/resilience-errors.ts';
export {
  type ClassifiedError,
  isRetryable,
  NEVER_RETRIED_CODES,
} from './resilience/retry-classification.ts';
export {
  type BreakerState,
  type GuardDecision,
  openUpstreamGuard,
  type UpstreamCall,
  type UpstreamGuard,
  type UpstreamOutcome,
  type UpstreamPermit,
} from './resilience/upstream-guard.ts';
export { parseRetryAfter } from './retry-after.ts';
export type { StepEvent, StepEventSink, StepRetry, StepWaitReason } from './step-event.ts';
export {
  checkTemplateSyntax,
  isTemplate,
  renderTemplate,
  soleExpression,
} from './template.ts';
export { assertValidFlow, type ValidateFlowResult, validateFlow } from './validate-flow.ts';
export type {
  ValidatedEdge,
  ValidatedFlow,
  ValidatedNode,
} from './validated-flow.ts';
