/**
 * Which flow a request to /hooks/<key> reaches: the active, not deleted flow whose id is the key,
 * or whose latest version's webhook trigger has the key as its path. Lookups are kept for a
 * moment (CACHE_MS) so that a burst of deliveries costs one read; switching a flow off or saving
 * it in this process forgets its entries at once, and the run intake refuses runs of a flow that
 * is no longer active whichever process switched it off.
 */
import type pg from 'pg';
import type { FlowVersionCache } from '../runs/flow-version-cache.ts';
import { isUuid } from '../uuid.ts';
import { type WebhookEndpoint, webhookTriggerOf } from './webhook-endpoint.ts';

const CACHE_MS = 1_000;
const MAX_ENTRIES = 10_000;

type Row = { id: string; name: string; version_id: string; document: unknown };

const LATEST_VERSION = `JOIN LATERAL (SELECT id, document FROM flow_versions
                                        WHERE flow_id = f.id ORDER BY number DESC LIMIT 1) v ON true`;

const BY_ID = {
  name: 'patchbay_webhook_by_id',
  text: `SELECT f.id, f.name, v.id AS version_id, v.document FROM flows f ${LATEST_VERSION}
          WHERE f.id = $1 AND f.active AND f.deleted_at IS NULL`,
};

const BY_PATH = {
  name: 'patchbay_webhook_by_path',
  text: `SELECT f.id, f.name, v.id AS version_id, v.document FROM flows f ${LATEST_VERSION}
          WHERE f.active AND f.deleted_at IS NULL
            AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.document->'nodes') n
                         WHERE n->>'type' = 'trigger.webhook' AND n->'config'->>'path' = $1)
          ORDER BY f.activated_at NULLS LAST, f.id LIMIT 1`,
};

export class WebhookDirectory {
  private readonly entries = new Map<
    string,
    { at: number; endpoint: Promise<WebhookEndpoint | undefined> }
  >();

  constructor(
    private readonly deps: { pool: pg.Pool; versions: FlowVersionCache; now?: () => number },
  ) {}

  /** The active webhook served at /hooks/<key>, or undefined (404). */
  resolve(key: string): Promise<WebhookEndpoint | undefined> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.at < CACHE_MS) return cached.endpoint;
    const endpoint = this.read(key);
    this.entries.set(key, { at: now, endpoint });
    endpoint.catch(() => this.entries.delete(key));
    if (this.entries.size > MAX_ENTRIES) {
      for (const [entryKey, entry] of this.entries) {
        if (now - entry.at < CACHE_MS) break;
        this.entries.delete(entryKey);
      }
    }
    return endpoint;
  }

  /**
   * A flow was switched on or off, saved or deleted in this process: forget what was read (every
   * entry: one by path may have named the flow, and re-reading them costs a query each).
   */
  forget(): void {
    this.entries.clear();
  }

  private async read(key: string): Promise<WebhookEndpoint | undefined> {
    const byId = isUuid(key);
    const { rows } = await this.deps.pool.query<Row>({
      ...(byId ? BY_ID : BY_PATH),
      values: [key],
    });
    const row = rows[0];
    if (!row) return undefined;
    const version = this.deps.versions.validate(row.version_id, row.id, row.document);
    const trigger = webhookTriggerOf(version.flow);
    if (!trigger) return undefined;
    if (!byId && trigger.config.path !== key) return undefined;
    return {
      flowId: row.id,
      flowName: row.name,
      flowVersionId: row.version_id,
      nodeId: trigger.nodeId,
      config: trigger.config,
    };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
