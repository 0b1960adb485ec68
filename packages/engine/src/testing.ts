/**
 * `@patchbay/engine/testing`: helpers for tests of node types and connectors. Run one node type
 * outside a flow, build flow documents, and the engine's own fixture node types.
 */
export { type Deferred, deferred } from './test-support/deferred.ts';
export {
  FIXTURE_NODE_TYPES,
  fixtureBranchNode,
  fixtureCallNode,
  fixtureTransformNode,
  fixtureTriggerNode,
} from './test-support/fixture-node-types.ts';
export { edge, flowDocument, node } from './test-support/flow-fixtures.ts';
export { type NodeRunOptions, runNodeType } from './test-support/node-context.ts';
export { createStepNodeType, type StepHandler } from './test-support/step-node-type.ts';
