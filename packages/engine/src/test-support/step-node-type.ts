/** `test.step`: a node type whose nodes run whatever handler a test registered for their id. */
import { z } from 'zod';
import { defineNodeType, type NodeExecutionContext, type NodeResult } from '../node-type.ts';

export type StepHandler = (ctx: NodeExecutionContext<unknown>) => Promise<NodeResult> | NodeResult;

export function createStepNodeType(
  handlers: ReadonlyMap<string, StepHandler>,
  /** What a node without a registered handler outputs. */
  defaultOutput: (ctx: NodeExecutionContext<unknown>) => unknown,
) {
  return defineNodeType({
    type: 'test.step',
    title: 'Test step',
    description: 'Runs the handler the test registered for this node id.',
    category: 'action',
    configSchema: z.object({}),
    inputs: [{ id: 'in', label: 'In' }],
    outputs: [{ id: 'out', label: 'Out' }],
    execute: async (ctx) => {
      const handler = handlers.get(ctx.nodeId);
      return handler ? handler(ctx) : { output: defaultOutput(ctx) };
    },
  });
}
