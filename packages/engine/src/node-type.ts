/** A node type is data (id, title, category, config schema, ports) plus one execute function. */
import type { z } from 'zod';
import type { Clock } from './clock.ts';
import type { TriggerDefinition } from './connector/trigger.ts';
import type { ExpressionRuntime } from './expression-evaluator.ts';
import type {
  NodePolicyDefaults,
  NodeRetryOptions,
  ResolvedNodePolicy,
} from './resilience/policy.ts';

export const NODE_CATEGORIES = ['trigger', 'action', 'transform', 'logic'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export type PortDefinition = { id: string; label: string };

/**
 * What a node's output looks like before it has run, for the editor's expression autocomplete:
 * an example value, the value of one of its config fields (a manual trigger outputs its
 * `sampleInput`), or its input passed on unchanged (an If node). JSON, as descriptors are.
 */
export type OutputExample = { value: unknown } | { configField: string } | { input: true };

/** What a node's execute function sees. */
export type NodeExecutionContext<Config> = {
  runId: string;
  flowName: string;
  nodeId: string;
  /** Config after parsing with the node type's schema. */
  config: Config;
  /**
   * Output of the direct upstream node when there is exactly one, otherwise an object
   * keyed by upstream node id. For a trigger node, the run's trigger input.
   */
  input: unknown;
  /** Outputs of every node that has completed so far in this run, keyed by node id. */
  nodes: Readonly<Record<string, unknown>>;
  /** The input the run was triggered with. */
  trigger: unknown;
  /**
   * Stable per run + node, the same for every attempt: connectors pass it to upstreams that
   * support idempotency keys (the HTTP node sends it as `Idempotency-Key`).
   */
  idempotencyKey: string;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * Calls an upstream through the shared circuit breaker and rate limit for `target`. Throws
   * CircuitOpenError or RateLimitedError instead of calling when the guard says no; reports the
   * call's outcome to the guard. Connectors wrap each network call in it.
   */
  upstream<T>(target: string, call: () => Promise<T>): Promise<T>;
  signal: AbortSignal;
  /**
   * The decrypted values of a credential the node names (its type must be one of the node
   * type's `credentialTypes`). Resolved on the worker at call time; never put them in the
   * output: every secret value resolved in the run is persisted as `***`.
   */
  credential<Data = Record<string, unknown>>(
    credentialId: string,
  ): Promise<{ type: string; data: Data }>;
  /**
   * The connection kept for the credential in this worker (its credential type declares
   * `connection`): shared by steps, closed when idle or when the credential changes.
   */
  connection<Connection = unknown>(credentialId: string): Promise<Connection>;
  /**
   * Values derived from a credential at call time (an OAuth 2 access token): the run persists
   * them as `***`, like the credential's own secret fields. Values under 4 characters are kept.
   */
  redactSecrets(values: readonly string[]): void;
  clock: Clock;
  /**
   * Where this node's JSONata runs (the run's evaluator: the server's sandbox) and for how long
   * (its policy's `expressionTimeoutMs`). evaluateExpression and renderTemplate read it from ctx.
   */
  expressions: ExpressionRuntime;
};

export type NodeResult = {
  output: unknown;
  /** For branching nodes: the one output port that is taken. Omitted means every output port. */
  port?: string;
};

/** A destination a node's config names literally, e.g. the host and port of a fixed URL. */
export type NodeEgressTarget = {
  /** The config field it comes from, e.g. `['url']`. */
  path: (string | number)[];
  host: string;
  port: number;
};

/** A config problem that does not stop a save; `path` is inside the node's config. */
export type NodeConfigWarning = { path: (string | number)[]; message: string };

export type NodeTypeDefinition<Config = unknown> = {
  type: string;
  title: string;
  description: string;
  category: NodeCategory;
  configSchema: z.ZodType<Config>;
  inputs: readonly PortDefinition[];
  outputs: readonly PortDefinition[];
  /**
   * Config a freshly placed node starts with, for types whose schema rejects `{}` (a required
   * field). It is passed through the schema so that defaults are filled in.
   */
  defaultConfig?: Record<string, unknown>;
  /**
   * False for pure node types (triggers, transforms, branches): re-running them is harmless, so
   * the server may persist their outcomes in a batch. Default true.
   */
  sideEffects?: boolean;
  /** Connector defaults for retry, timeout and breaker (e.g. a pure transform never retries). */
  policyDefaults?: NodePolicyDefaults;
  /**
   * Retry policy fields only this type's nodes have (HTTP's `retryHttpStatuses`), and how its
   * errors are classified with them; see defineRetryOptions. Other types' nodes reject them.
   */
  retryOptions?: NodeRetryOptions;
  /**
   * Where a node will connect, when its config says so without templates. The server checks
   * these against its egress policy when a flow is saved, to warn early; every connection is
   * still checked when it is made.
   */
  egressTargets?(config: Config): NodeEgressTarget[];
  /**
   * Problems in a valid config that do not stop a save, e.g. a literal secret typed into a
   * header where a credential belongs. Shown as warnings when the flow is saved or imported.
   */
  configWarnings?(config: Config): NodeConfigWarning[];
  /** The credential types (ids) a node of this type may name; see ctx.credential. */
  credentialTypes?: readonly string[];
  /** For trigger nodes: how runs start (webhook, schedule, …) and the activation lifecycle. */
  trigger?: TriggerDefinition<Config>;
  /** An SVG document (viewBox 0 0 24 24, currentColor); defaults to its connector's icon. */
  icon?: string;
  /** Markdown for the generated per-type docs: what it does, its output, examples. */
  docs?: string;
  /** What the output looks like before a run, for expression autocomplete in the editor. */
  outputExample?: OutputExample;
  execute(ctx: NodeExecutionContext<Config>): Promise<NodeResult>;
};

/**
 * Connector defaults for pure node types (triggers, transforms, branches): the same input gives
 * the same result, so a failure is not retried unless the node's own policy asks for it.
 */
export const PURE_NODE_POLICY: NodePolicyDefaults = Object.freeze({
  retry: Object.freeze({ maxAttempts: 1 }),
});

/** JSON-serialisable description of a node type, for palettes, forms and docs. */
export type NodeTypeDescriptor = {
  type: string;
  title: string;
  description: string;
  category: NodeCategory;
  inputs: PortDefinition[];
  outputs: PortDefinition[];
  /** JSON Schema of the config (zod's toJSONSchema, input side). */
  configJsonSchema: Record<string, unknown>;
  /** Config a freshly placed node starts with. */
  defaultConfig: Record<string, unknown>;
  /** Whether running it twice can be observed (it calls an upstream); see NodeTypeDefinition. */
  sideEffects: boolean;
  /**
   * The policy of a node of this type that sets none: its connector defaults over Patchbay's.
   * Without a rate limit or target override, which no node has by default.
   */
  policyDefaults: ResolvedNodePolicy;
  /** JSON Schema of `node.policy` for this type: Patchbay's fields plus its `retryOptions`. */
  policyJsonSchema: Record<string, unknown>;
  /** Markdown docs (NodeTypeDefinition.docs); empty when the type has none. */
  docs: string;
  /** SVG icon of the type, when it declares its own (otherwise its connector's). */
  icon?: string;
  /** NodeTypeDefinition.outputExample, when the type declares one. */
  outputExample?: OutputExample;
};

/**
 * Declares a node type with its config type checked against its schema, and erases that type
 * for registries, which hold node types of every config shape.
 */
export function defineNodeType<Config>(definition: NodeTypeDefinition<Config>): NodeTypeDefinition {
  // Sound because a node's execute only ever receives config parsed by its own configSchema.
  return definition as unknown as NodeTypeDefinition;
}
