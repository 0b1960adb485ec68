/**
 * Validated flows by flow version id. Versions are immutable and the node-type registry is fixed
 * for the life of the process, so a version is read and validated once per process, then every
 * start and every execution of a run of it reuses the same frozen ValidatedFlow.
 */
import {
  assertValidFlow,
  type NodeTypeRegistry,
  resolveFlowSettings,
  type ValidatedFlow,
} from '@patchbay/engine';
import type pg from 'pg';

export type CachedFlowVersion = {
  id: string;
  flowId: string;
  flow: ValidatedFlow;
  /** settings.maxConcurrentRuns: runs of the flow executing at once; undefined means no limit. */
  maxConcurrentRuns: number | undefined;
  /** settings.maxQueuedRuns: runs of the flow waiting in the queue at most. */
  maxQueuedRuns: number | undefined;
  runTimeoutMs: number;
};

const DEFAULT_MAX_ENTRIES = 1_000;

export class FlowVersionCache {
  /** Insertion-ordered: re-inserting on a hit makes the first key the least recently used. */
  private readonly entries = new Map<string, CachedFlowVersion>();
  private readonly maxEntries: number;

  constructor(
    private readonly deps: { pool: pg.Pool; registry: NodeTypeRegistry; maxEntries?: number },
  ) {
    this.maxEntries = deps.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /**
   * The validated flow of a version; reads the database on a miss. Undefined when the version
   * does not exist (its flow was deleted). Throws FlowValidationError for an invalid document.
   */
  async get(versionId: string): Promise<CachedFlowVersion | undefined> {
    const hit = this.hit(versionId);
    if (hit) return hit;
    const { rows } = await this.deps.pool.query<{ flow_id: string; document: unknown }>(
      'SELECT flow_id, document FROM flow_versions WHERE id = $1',
      [versionId],
    );
    const row = rows[0];
    return row ? this.validate(versionId, row.flow_id, row.document) : undefined;
  }

  /** Validates a version document the caller already read, and caches it. */
  validate(versionId: string, flowId: string, document: unknown): CachedFlowVersion {
    const hit = this.hit(versionId);
    if (hit) return hit;
    // Only valid versions are cached: an invalid one is reported again on every use.
    const flow = assertValidFlow(document, this.deps.registry);
    const entry: CachedFlowVersion = {
      id: versionId,
      flowId,
      flow,
      ...resolveFlowSettings(flow.document.settings),
    };
    this.entries.set(versionId, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  private hit(versionId: string): CachedFlowVersion | undefined {
    const entry = this.entries.get(versionId);
    if (entry) {
      this.entries.delete(versionId);
      this.entries.set(versionId, entry);
    }
    return entry;
  }
}
