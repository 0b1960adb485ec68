/** nodeTypes.*: the node palette and the policy and settings forms, generated from the engine. */
import {
  FLOW_SETTINGS_JSON_SCHEMA,
  NODE_POLICY_JSON_SCHEMA,
  resolveFlowSettings,
} from '@patchbay/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { viewerProcedure } from '../trpc.ts';

export const nodeTypesRouter = {
  /**
   * Descriptors with config schema, ports, side effects, each type's default policy and its
   * policy JSON Schema (with the retry fields only that type adds), docs and icon.
   */
  list: viewerProcedure.query(({ ctx }) => ctx.registry.describe()),

  /**
   * JSON Schemas of `node.policy` (without the fields a node type adds: see each descriptor's
   * policyJsonSchema) and `settings`, and the settings a flow has by default.
   */
  policySchemas: viewerProcedure.query(() => ({
    nodePolicy: NODE_POLICY_JSON_SCHEMA,
    flowSettings: FLOW_SETTINGS_JSON_SCHEMA,
    flowSettingsDefaults: resolveFlowSettings(undefined),
  })),
} satisfies TRPCRouterRecord;
