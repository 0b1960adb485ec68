/**
 * A webhook path is unique across active flows: switching a flow on, or saving an active one,
 * fails when another active flow's webhook already has its path. Checked in the transaction that
 * switches or saves, under an advisory lock per path, so two flows cannot take one path at once.
 */
import { FlowValidationError } from '@patchbay/engine';
import { WEBHOOK_NODE_TYPE_ID } from './webhook-endpoint.ts';

/** Runs one statement in the caller's transaction. */
export type TransactionQuery = <Row>(text: string, values: unknown[]) => Promise<Row[]>;

/** Advisory-lock class of webhook paths (the two-key form keeps clear of other locks). */
const PATH_LOCK_CLASS = 0x5748; // "WH"

const PATH_OWNER = `
SELECT f.id, f.name, n->>'id' AS node_id
  FROM flows f
  JOIN LATERAL (SELECT document FROM flow_versions WHERE flow_id = f.id
                 ORDER BY number DESC LIMIT 1) v ON true
  CROSS JOIN LATERAL jsonb_array_elements(v.document->'nodes') n
 WHERE f.active AND f.deleted_at IS NULL AND f.id <> $1::uuid
   AND n->>'type' = '${WEBHOOK_NODE_TYPE_ID}' AND n->'config'->>'path' = $2
 LIMIT 1`;

/** The path of a document's webhook trigger, and its node, if it has one. */
export function webhookPathOf(document: unknown): { nodeId: string; path: string } | undefined {
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return undefined;
  for (const node of nodes as { id?: unknown; type?: unknown; config?: { path?: unknown } }[]) {
    if (node?.type === WEBHOOK_NODE_TYPE_ID && typeof node.config?.path === 'string') {
      return { nodeId: String(node.id), path: node.config.path };
    }
  }
  return undefined;
}

/**
 * Throws a FlowValidationError naming the node and field when another active flow's webhook has
 * the path of `document`'s. Call inside the transaction that makes the flow active with it.
 */
export async function assertWebhookPathFree(
  query: TransactionQuery,
  flow: { id: string; name: string },
  document: unknown,
): Promise<void> {
  const webhook = webhookPathOf(document);
  if (!webhook) return;
  await query('SELECT 1 FROM pg_advisory_xact_lock($1, hashtext($2))', [
    PATH_LOCK_CLASS,
    webhook.path,
  ]);
  const [owner] = await query<{ id: string; name: string; node_id: string }>(PATH_OWNER, [
    flow.id,
    webhook.path,
  ]);
  if (!owner) return;
  throw new FlowValidationError(flow.name, [
    {
      code: 'node.invalid_config',
      nodeId: webhook.nodeId,
      path: ['path'],
      message: `Webhook path "${webhook.path}" is already used by active flow "${owner.name}" (node "${owner.node_id}"). Choose another path, or switch that flow off first.`,
    },
  ]);
}
