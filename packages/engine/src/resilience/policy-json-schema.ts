/**
 * The JSON Schemas of `node.policy` and of a flow's `settings`, so that the editor generates its
 * reliability and flow settings forms from the same zod schemas the engine validates with.
 */
import { inputJsonSchema } from '../input-json-schema.ts';
import { flowSettingsSchema, nodePolicySchema } from './policy.ts';

export const NODE_POLICY_JSON_SCHEMA = inputJsonSchema(nodePolicySchema);
export const FLOW_SETTINGS_JSON_SCHEMA = inputJsonSchema(flowSettingsSchema);
