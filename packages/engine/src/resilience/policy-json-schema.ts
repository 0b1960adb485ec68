/**
 * The JSON Schemas of `node.policy` and of a flow's `settings`, so that the editor generates its
 * reliability and flow settings forms from the same zod schemas the engine validates with.
 */
import { inputJsonSchema } from '../input-json-schema.ts';
import {
  flowSettingsSchema,
  type NodeRetryOptions,
  nodePolicySchema,
  nodePolicySchemaFor,
} from './policy.ts';

/** `node.policy` of a node type that adds no retry fields. */
export const NODE_POLICY_JSON_SCHEMA = inputJsonSchema(nodePolicySchema);

/** `node.policy` of a node type, with the retry fields its `retryOptions` add (HTTP statuses). */
export function nodePolicyJsonSchemaFor(
  retryOptions: NodeRetryOptions | undefined,
): Record<string, unknown> {
  return retryOptions === undefined
    ? NODE_POLICY_JSON_SCHEMA
    : inputJsonSchema(nodePolicySchemaFor(retryOptions));
}
export const FLOW_SETTINGS_JSON_SCHEMA = inputJsonSchema(flowSettingsSchema);
