/**
 * The trigger lifecycle in one process: for every active flow whose latest version's trigger is
 * served here (`servedBy` `worker` in processes that execute runs, `server` in those that serve
 * HTTP), the trigger is activated (`activate(ctx)` of its node type, when it has one) and kept in
 * an in-memory map the webhook ingress reads. It is deactivated when the flow is switched off,
 * saved as a new version, deleted, or the process stops.
 *
 * Changes arrive at once through LISTEN/NOTIFY (flow-trigger-listener.ts); a full resync every
 * RESYNC_MS (and after a lost LISTEN connection) is the safety net. Work on one flow is
 * serialised, so an activation never overlaps the deactivation of the one before it.
 */
import {
  type Clock,
  type RunTriggerKind,
  systemClock,
  type TriggerActivation,
  type TriggerContext,
  type TriggerDefinition,
} from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { CachedFlowVersion, FlowVersionCache } from '../runs/flow-version-cache.ts';
import type { StartRunInput, StartRunResult } from '../runs/run-service.ts';
import { RUN_STATUS } from '../runs/run-status.ts';
import { FlowTriggerListener } from './flow-trigger-listener.ts';
import { claimOnce, deleteOldClaims } from './trigger-claims.ts';

/** Which processes serve a trigger (TriggerDefinition.servedBy). */
export type TriggerHost = TriggerDefinition<unknown>['servedBy'];

/** Full resync of every active flow: catches anything a lost notification missed. */
export const RESYNC_MS = 30_000;
/** How often each process deletes old trigger claims. */
const CLAIM_CLEANUP_MS = 60 * 60 * 1000;

/** A trigger this process serves for an active flow. */
export type ActiveTrigger = {
  flowId: string;
  flowName: string;
  /** The version whose trigger is active; runs start the flow's latest version, which this is. */
  flowVersionId: string;
  nodeId: string;
  nodeType: string;
  kind: RunTriggerKind;
  /** The node's config, parsed by its node type's schema (defaults filled in). */
  config: unknown;
  /** The later of the flow's switch-on and this version's save. */
  activeSince: Date;
  /** Set when `activate` failed (logged; tried again at the next resync). */
  error?: string;
  /** From the activation's `describe()`, e.g. a schedule's next fire times. */
  describe(): Record<string, unknown> | undefined;
};

export type TriggerManagerDeps = {
  pool: pg.Pool;
  versions: FlowVersionCache;
  /** Starts a run (RunService.start: the intake, admission control, idempotency keys). */
  startRun(input: StartRunInput): Promise<StartRunResult>;
  logger: Logger;
  clock?: Clock;
  resyncMs?: number;
};

type FlowHeadRow = {
  id: string;
  name: string;
  activated_at: Date | null;
  version_id: string;
  version_created_at: Date;
};

type Entry = {
  trigger: ActiveTrigger;
  controller: AbortController;
  activation: TriggerActivation | undefined;
};

const ACTIVE_FLOWS = `
SELECT f.id, f.name, f.activated_at, v.id AS version_id, v.created_at AS version_created_at
  FROM flows f
  JOIN LATERAL (SELECT id, created_at FROM flow_versions WHERE flow_id = f.id
                 ORDER BY number DESC LIMIT 1) v ON true
 WHERE f.active AND f.deleted_at IS NULL`;

export class TriggerManager {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly entries = new Map<string, Entry>();
  /** The triggers that activated (no error), by kind and flow: what activeTriggers reads. */
  private readonly byKind = new Map<RunTriggerKind, Map<string, ActiveTrigger>>();
  /** Per flow: the tail of its serialised work. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Per flow: notifications received, so a resync never applies a read older than one. */
  private readonly changes = new Map<string, number>();
  private readonly listeners = new Set<(flowId: string) => void>();
  private listener: FlowTriggerListener | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private hosts: readonly TriggerHost[] = [];
  private running = false;
  private resyncing: Promise<void> | undefined;

  constructor(private readonly deps: TriggerManagerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger.child({ component: 'triggers' });
  }

  /**
   * Serves the triggers of `hosts` (`worker` where runs execute, `server` where HTTP is served):
   * activates every active flow's, then follows changes. Resolves once the first sync is done.
   */
  async start(options: { connectionString: string; hosts: readonly TriggerHost[] }): Promise<void> {
    if (this.running) throw new Error('The trigger manager is already running');
    this.running = true;
    this.hosts = options.hosts;
    this.listener = new FlowTriggerListener({
      connectionString: options.connectionString,
      onFlowChanged: (flowId) => this.flowChanged(flowId),
      onReconnect: () => this.resyncInBackground(),
      logger: this.logger,
    });
    await this.listener.start();
    await this.resync();
    const resyncMs = this.deps.resyncMs ?? RESYNC_MS;
    this.resyncTimer = setInterval(() => this.resyncInBackground(), resyncMs);
    this.resyncTimer.unref();
    this.cleanupTimer = setInterval(() => {
      deleteOldClaims(this.deps.pool).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'Could not delete old trigger claims'),
      );
    }, CLAIM_CLEANUP_MS);
    this.cleanupTimer.unref();
  }

  /** Stops following changes and deactivates every trigger (process shutdown). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.resyncTimer);
    clearInterval(this.cleanupTimer);
    await this.listener?.stop();
    this.listener = undefined;
    await this.resyncing?.catch(() => undefined);
    await Promise.all([...this.queues.values()]);
    await Promise.all([...this.entries.keys()].map((flowId) => this.apply(flowId, undefined)));
  }

  /** The active triggers of this kind served here, from memory (no query); failed ones left out. */
  activeTriggers(kind: RunTriggerKind): ActiveTrigger[] {
    const found = this.byKind.get(kind);
    return found ? [...found.values()] : [];
  }

  /**
   * The flow's trigger if it is served here (undefined: off, deleted, or not served here), with
   * `error` set when its activation failed.
   */
  activeTrigger(flowId: string): ActiveTrigger | undefined {
    return this.entries.get(flowId)?.trigger;
  }

  /** Called after each change to a flow's active trigger (activated, replaced, deactivated). */
  onChange(listener: (flowId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the flow again and applies what it finds, as a notification does. Resolves once done;
   * for callers that must see their own change at once (and for tests).
   */
  refresh(flowId: string): Promise<void> {
    this.changes.set(flowId, (this.changes.get(flowId) ?? 0) + 1);
    return this.serial(flowId, async () => {
      const { rows } = await this.deps.pool.query<FlowHeadRow>(`${ACTIVE_FLOWS} AND f.id = $1`, [
        flowId,
      ]);
      await this.apply(flowId, rows[0]);
    });
  }

  /** Reads every active flow and brings each activation in line with it. */
  resync(): Promise<void> {
    this.resyncing ??= this.resyncAll().finally(() => {
      this.resyncing = undefined;
    });
    return this.resyncing;
  }

  private async resyncAll(): Promise<void> {
    const seen = new Map(this.changes);
    const { rows } = await this.deps.pool.query<FlowHeadRow>(ACTIVE_FLOWS);
    if (!this.running) return;
    const wanted = new Map(rows.map((row) => [row.id, row]));
    const flowIds = new Set([...wanted.keys(), ...this.entries.keys()]);
    await Promise.all(
      [...flowIds].map((flowId) =>
        this.serial(flowId, async () => {
          // A notification since the read queued a fresher read of its own.
          if (this.changes.get(flowId) !== seen.get(flowId)) return;
          await this.apply(flowId, wanted.get(flowId));
        }),
      ),
    );
  }

  private resyncInBackground(): void {
    if (!this.running) return;
    this.resync().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'Could not resync the active flows'),
    );
  }

  private flowChanged(flowId: string): void {
    if (!this.running) return;
    this.refresh(flowId).catch((error: unknown) =>
      this.logger.warn({ err: error, flowId }, 'Could not apply a change to a flow trigger'),
    );
  }

  private serial(flowId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(flowId) ?? Promise.resolve();
    const next = previous.then(work);
    const tail = next.catch(() => undefined);
    this.queues.set(flowId, tail);
    void tail.then(() => {
      if (this.queues.get(flowId) === tail) this.queues.delete(flowId);
    });
    return next;
  }

  /** Makes the flow's activation match `head` (undefined: not active). Runs serialised per flow. */
  private async apply(flowId: string, head: FlowHeadRow | undefined): Promise<void> {
    const current = this.entries.get(flowId);
    const activeSince = head ? laterOf(head.activated_at, head.version_created_at) : undefined;
    if (
      head &&
      current &&
      current.trigger.flowVersionId === head.version_id &&
      current.trigger.activeSince.getTime() === activeSince?.getTime() &&
      current.trigger.error === undefined
    ) {
      return;
    }
    if (current) {
      this.entries.delete(flowId);
      this.byKind.get(current.trigger.kind)?.delete(flowId);
      await this.deactivate(current);
    }
    const next = head && this.running ? await this.activate(head) : undefined;
    if (next) {
      this.entries.set(flowId, next);
      if (next.trigger.error === undefined) {
        let ofKind = this.byKind.get(next.trigger.kind);
        if (!ofKind) {
          ofKind = new Map();
          this.byKind.set(next.trigger.kind, ofKind);
        }
        ofKind.set(flowId, next.trigger);
      }
    }
    if (current || next) {
      for (const listener of this.listeners) listener(flowId);
    }
  }

  private async activate(head: FlowHeadRow): Promise<Entry | undefined> {
    let version: CachedFlowVersion | undefined;
    try {
      version = await this.deps.versions.get(head.version_id);
    } catch (error) {
      this.logger.warn(
        { err: error, flowId: head.id },
        `Flow "${head.name}" is switched on but its latest version does not validate; its trigger is not served`,
      );
      return undefined;
    }
    if (!version) return undefined;
    const node = version.flow.trigger;
    const definition = node.definition.trigger;
    if (!definition || !this.hosts.includes(definition.servedBy)) return undefined;

    const controller = new AbortController();
    const log = this.logger.child({
      flowId: head.id,
      nodeId: node.node.id,
      trigger: definition.kind,
    });
    let activation: TriggerActivation | undefined;
    const trigger: ActiveTrigger = {
      flowId: head.id,
      flowName: head.name,
      flowVersionId: head.version_id,
      nodeId: node.node.id,
      nodeType: node.node.type,
      kind: definition.kind,
      config: node.config,
      activeSince: laterOf(head.activated_at, head.version_created_at),
      describe: () => activation?.describe?.(),
    };
    const context: TriggerContext<unknown> = {
      flowId: head.id,
      flowName: head.name,
      flowVersionId: head.version_id,
      nodeId: node.node.id,
      config: node.config,
      clock: this.clock,
      activeSince: trigger.activeSince,
      signal: controller.signal,
      startRun: async (input, options) => {
        if (controller.signal.aborted) {
          throw new Error(`The trigger of flow "${head.name}" is no longer active`);
        }
        return this.deps.startRun({
          flowId: head.id,
          input,
          trigger: definition.kind,
          idempotencyKey: options?.idempotencyKey,
        });
      },
      claimOnce: (key) => claimOnce(this.deps.pool, head.id, key),
      runsInFlight: async () => {
        const { rows } = await this.deps.pool.query<{ count: number }>({
          name: 'patchbay_trigger_runs_in_flight',
          text: `SELECT count(*)::int AS count FROM runs
                  WHERE flow_id = $1 AND status IN ('${RUN_STATUS.queued}', '${RUN_STATUS.running}')`,
          values: [head.id],
        });
        return rows[0]?.count ?? 0;
      },
      log: {
        info: (message, fields) => log.info(fields ?? {}, message),
        warn: (message, fields) => log.warn(fields ?? {}, message),
      },
    };
    if (definition.activate) {
      try {
        activation = await definition.activate(context);
      } catch (error) {
        controller.abort();
        log.warn({ err: error }, `Could not activate the trigger of flow "${head.name}"`);
        trigger.error = error instanceof Error ? error.message : String(error);
        return { trigger, controller, activation: undefined };
      }
    }
    log.info({ flowVersionId: head.version_id }, `Trigger of flow "${head.name}" is active`);
    return { trigger, controller, activation };
  }

  private async deactivate(entry: Entry): Promise<void> {
    const { trigger } = entry;
    entry.controller.abort();
    try {
      await entry.activation?.deactivate();
    } catch (error) {
      this.logger.warn(
        { err: error, flowId: trigger.flowId, nodeId: trigger.nodeId },
        `Could not deactivate the trigger of flow "${trigger.flowName}" cleanly`,
      );
    }
    this.logger.info(
      { flowId: trigger.flowId, flowVersionId: trigger.flowVersionId, trigger: trigger.kind },
      `Trigger of flow "${trigger.flowName}" is inactive`,
    );
  }
}

function laterOf(a: Date | null, b: Date): Date {
  return a && a.getTime() > b.getTime() ? a : b;
}
