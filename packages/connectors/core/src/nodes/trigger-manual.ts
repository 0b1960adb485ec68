/** trigger.manual: starts a run by hand; its output is the input the run was started with. */

import { defineNodeType, PURE_NODE_POLICY, uiHint } from '@patchbay/engine';
import { z } from 'zod';
import { MANUAL_TRIGGER_DOCS } from './node-docs.ts';

const configSchema = z.strictObject({
  /** Input the editor offers when the user starts a run by hand. */
  sampleInput: z
    .record(z.string(), z.unknown(), { error: 'Sample input must be a JSON object' })
    .describe('The input a run started by hand is offered, as a JSON object.')
    .meta(uiHint({ widget: 'json', placeholder: '{ "orderId": 42 }' }))
    .optional(),
});

export type ManualTriggerConfig = z.infer<typeof configSchema>;

export const manualTriggerNode = defineNodeType({
  type: 'trigger.manual',
  title: 'Manual trigger',
  description: 'Starts the flow when you click Run. Its output is the input the run was given.',
  category: 'trigger',
  configSchema,
  inputs: [],
  outputs: [{ id: 'out', label: 'Output' }],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  docs: MANUAL_TRIGGER_DOCS,
  outputExample: { configField: 'sampleInput' },
  // The executor hands a trigger node the run's trigger input as its input.
  execute: async (ctx) => ({ output: ctx.input }),
});
