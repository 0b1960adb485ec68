/** API shapes inferred from the server's router, so the web app never redeclares them. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './app-router.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type NodeTypeDescriptor = RouterOutputs['nodeTypes']['list'][number];
export type NodeCategory = NodeTypeDescriptor['category'];
export type ResolvedNodePolicy = NodeTypeDescriptor['policyDefaults'];
export type PolicySchemas = RouterOutputs['nodeTypes']['policySchemas'];
export type FlowSummary = RouterOutputs['flows']['list'][number];
export type FlowDetail = RouterOutputs['flows']['get'];
export type FlowDocument = RouterOutputs['flows']['export'];
export type FlowDocumentNode = FlowDocument['nodes'][number];
export type FlowDocumentEdge = FlowDocument['edges'][number];
export type ValidationIssue = RouterOutputs['flows']['validate']['issues'][number];
export type StepTestResult = RouterOutputs['flows']['testStep'];
export type RunSummary = RouterOutputs['runs']['list']['items'][number];
export type RunDetail = RouterOutputs['runs']['get'];
export type RunStatus = RunSummary['status'];
export type RunTrigger = RunSummary['trigger'];
export type StepRun = RunDetail['steps'][number];
export type StepStatus = StepRun['status'];
export type SerializedError = NonNullable<RunSummary['error']>;
export type BreakerView = RouterOutputs['breakers']['list'][number];
export type BreakerDetail = RouterOutputs['breakers']['get'];
export type BreakerState = BreakerView['state'];
export type BreakerTransition = BreakerDetail['transitions'][number];
export type RateLimitView = RouterOutputs['limits']['list'][number];
