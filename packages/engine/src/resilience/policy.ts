/**
 * Resilience policies, as they appear in a flow document: per node (`node.policy`: retry, attempt
 * timeout, circuit breaker, rate limit, upstream target override) and per flow (`settings`:
 * concurrency and run timeout). Every field is optional in the document; `resolveNodePolicy`
 * fills in the node type's connector defaults, then Patchbay's defaults.
 */
import { z } from 'zod';
import { uiHint } from '../connector/ui-hints.ts';
import { DEFAULT_EXPRESSION_TIMEOUT_MS, MAX_EXPRESSION_TIMEOUT_MS } from '../expression-limits.ts';
import type { ClassifiedError } from './retry-classification.ts';

/** Which failures are retried: the standard transient ones, every error, or none. */
export const RETRY_ON = ['transient', 'any', 'none'] as const;
export type RetryOn = (typeof RETRY_ON)[number];

/** "Limit is required" when missing (only required fields get there), else "must be a number". */
const numberError = (label: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${label} is required` : `${label} must be ${expected}`;

const ms = (label: string, max: number) =>
  z
    .number({ error: numberError(label, 'a number of milliseconds') })
    .int(`${label} must be a whole number of milliseconds`)
    .min(0, `${label} must not be negative`)
    .max(max, `${label} must be at most ${max} ms`)
    .meta(uiHint({ unit: 'ms' }));

// Descriptions are for people: they reach the editor's forms through the JSON Schemas.
export const retryPolicySchema = z.strictObject({
  maxAttempts: z
    .number({ error: 'Max attempts must be a number' })
    .int('Max attempts must be a whole number')
    .min(1, 'Max attempts must be at least 1')
    .max(100, 'Max attempts must be at most 100')
    .describe('Attempts in total, the first included; 1 never retries.'),
  initialDelayMs: ms('Initial delay', 3_600_000).describe('Delay after the first failed attempt.'),
  backoffFactor: z
    .number({ error: 'Backoff factor must be a number' })
    .min(1, 'Backoff factor must be at least 1')
    .max(10, 'Backoff factor must be at most 10')
    .describe('Each further delay is this many times the previous one.'),
  maxDelayMs: ms('Max delay', 86_400_000).describe('Cap on the delay between attempts.'),
  jitter: z
    .number({ error: 'Jitter must be a number between 0 and 1' })
    .min(0, 'Jitter must be between 0 and 1')
    .max(1, 'Jitter must be between 0 and 1')
    .describe('Fraction of each delay that is random: 0.2 spreads 10 s over 9–11 s.'),
  retryOn: z
    .enum(RETRY_ON, { error: `Retry on must be one of ${RETRY_ON.join(', ')}` })
    .describe(
      'transient: failures the connector marks transient (network errors, timeouts, HTTP 5xx and 429); any: every error another attempt could fix; none: never.',
    ),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/**
 * A node's retry policy once resolved: Patchbay's fields plus those its node type adds through
 * `retryOptions` (HTTP's `retryHttpStatuses`), which only that type's classifier reads.
 */
export type ResolvedRetryPolicy = RetryPolicy & { readonly [field: string]: unknown };

/** Whether a failed attempt is retried: true or false decides, undefined leaves it to the error. */
export type RetryClassifier = (
  error: ClassifiedError,
  retry: ResolvedRetryPolicy,
) => boolean | undefined;

/**
 * How a node type extends the retry policy: extra `policy.retry` fields (only nodes of this type
 * accept them), their defaults, and a classifier that reads them. Declared with
 * `defineRetryOptions`, so that `classify` sees the fields typed.
 */
export type NodeRetryOptions = {
  fields: Readonly<Record<string, z.ZodType>>;
  defaults: Readonly<Record<string, unknown>>;
  classify?: RetryClassifier;
};

export function defineRetryOptions<Shape extends Record<string, z.ZodType>>(options: {
  fields: Shape;
  defaults: z.output<z.ZodObject<Shape>>;
  classify?: (
    error: ClassifiedError,
    retry: RetryPolicy & z.output<z.ZodObject<Shape>>,
  ) => boolean | undefined;
}): NodeRetryOptions {
  // Sound because the classifier only ever sees a policy resolved with these fields' defaults.
  return options as unknown as NodeRetryOptions;
}

export const breakerPolicySchema = z.strictObject({
  enabled: z.boolean({ error: 'Breaker enabled must be true or false' }),
  consecutiveFailures: z
    .number({ error: 'Consecutive failures must be a number' })
    .int('Consecutive failures must be a whole number')
    .min(1, 'Consecutive failures must be at least 1')
    .max(10_000, 'Consecutive failures must be at most 10000')
    .describe('Opens after this many failures in a row…'),
  failureRateThreshold: z
    .number({ error: 'Failure rate threshold must be a number between 0 and 1' })
    .gt(0, 'Failure rate threshold must be above 0')
    .max(1, 'Failure rate threshold must be at most 1')
    .describe('…or when at least this fraction of the calls in the window failed.'),
  minimumThroughput: z
    .number({ error: 'Minimum throughput must be a number' })
    .int('Minimum throughput must be a whole number')
    .min(1, 'Minimum throughput must be at least 1')
    .max(1_000_000, 'Minimum throughput must be at most 1000000')
    .describe('The failure rate counts only once the window holds this many calls.'),
  windowMs: ms('Window', 86_400_000)
    .min(100, 'Window must be at least 100 ms')
    .describe('The span the failure rate is measured over.'),
  openDurationMs: ms('Open duration', 86_400_000)
    .min(100, 'Open duration must be at least 100 ms')
    .describe('How long it stays open before letting probe calls through.'),
  halfOpenProbes: z
    .number({ error: 'Half-open probes must be a number' })
    .int('Half-open probes must be a whole number')
    .min(1, 'Half-open probes must be at least 1')
    .max(100, 'Half-open probes must be at most 100')
    .describe('Probe calls while half-open; all must succeed to close it again.'),
});
export type BreakerPolicy = z.infer<typeof breakerPolicySchema>;

export const rateLimitPolicySchema = z.strictObject({
  limit: z
    .number({ error: numberError('Limit', 'a number') })
    .int('Limit must be a whole number')
    .min(1, 'Limit must be at least 1')
    .max(1_000_000, 'Limit must be at most 1000000')
    .describe('Calls per period, on average.'),
  periodMs: ms('Period', 86_400_000).min(1, 'Period must be at least 1 ms'),
  burst: z
    .number({ error: 'Burst must be a number' })
    .int('Burst must be a whole number')
    .min(1, 'Burst must be at least 1')
    .max(1_000_000, 'Burst must be at most 1000000')
    .default(1)
    .describe('Calls that may go at once after a quiet spell; 1 spaces calls evenly.'),
  maxWaitMs: ms('Max wait', 86_400_000)
    .default(300_000)
    .describe('A step that would wait longer than this fails with RATE_LIMIT_WAIT_EXCEEDED.'),
});
export type RateLimitPolicy = z.infer<typeof rateLimitPolicySchema>;

export const nodePolicySchema = z.strictObject({
  retry: retryPolicySchema.partial().optional(),
  timeoutMs: ms('Timeout', 3_600_000)
    .min(1, 'Timeout must be at least 1 ms')
    .describe('Per attempt: a slower attempt fails with STEP_TIMEOUT (and may be retried).')
    .optional(),
  expressionTimeoutMs: ms('Expression timeout', MAX_EXPRESSION_TIMEOUT_MS)
    .min(1, 'Expression timeout must be at least 1 ms')
    .describe(
      'Per JSONata expression (transform, condition, {{ }} template): a slower one fails with EXPRESSION_TIMEOUT, never retried.',
    )
    .optional(),
  breaker: breakerPolicySchema.partial().optional(),
  rateLimit: rateLimitPolicySchema.optional(),
  target: z
    .string()
    .trim()
    .min(1, 'Target must not be empty')
    .max(300)
    .describe(
      'The key breaker and rate limit are kept under, e.g. "stripe:acct_42" for one per credential. Default: the connector’s own (scheme, host and port for HTTP).',
    )
    .optional(),
});
/**
 * `node.policy` as a flow document holds it: `retry` may also have the fields its node type adds
 * (`retryOptions`), which validateFlow checks against the node's type (nodePolicySchemaFor).
 */
export const nodePolicyDocumentSchema = nodePolicySchema.extend({
  retry: retryPolicySchema.partial().catchall(z.unknown()).optional(),
});
export type NodePolicyInput = z.infer<typeof nodePolicyDocumentSchema>;

const policySchemas = new WeakMap<NodeRetryOptions, typeof nodePolicySchema>();

/** `node.policy` of a node type: with the retry fields its `retryOptions` add, if any. */
export function nodePolicySchemaFor(retryOptions: NodeRetryOptions | undefined) {
  if (retryOptions === undefined) return nodePolicySchema;
  let schema = policySchemas.get(retryOptions);
  if (schema === undefined) {
    const retry = retryPolicySchema.extend(retryOptions.fields).partial().optional();
    // The extended retry parses to a superset of RetryPolicy: typed as the base for callers.
    schema = nodePolicySchema.extend({ retry }) as unknown as typeof nodePolicySchema;
    policySchemas.set(retryOptions, schema);
  }
  return schema;
}

export const flowSettingsSchema = z.strictObject({
  maxConcurrentRuns: z
    .number({ error: 'Max concurrent runs must be a number' })
    .int('Max concurrent runs must be a whole number')
    .min(1, 'Max concurrent runs must be at least 1')
    .max(10_000, 'Max concurrent runs must be at most 10000')
    .describe('Runs of this flow in flight at once; the rest wait in the queue. Empty: no limit.')
    .optional(),
  maxQueuedRuns: z
    .number({ error: 'Max queued runs must be a number' })
    .int('Max queued runs must be a whole number')
    .min(1, 'Max queued runs must be at least 1')
    .max(1_000_000, 'Max queued runs must be at most 1000000')
    .describe(
      'Runs of this flow waiting in the queue at most; past it, new runs are refused (HTTP 429) until the queue shrinks. Empty: only the server-wide limit.',
    )
    .optional(),
  runTimeoutMs: ms('Run timeout', 7 * 86_400_000)
    .min(1, 'Run timeout must be at least 1 ms')
    .describe('A run still unfinished this long after it started fails with RUN_TIMEOUT.')
    .optional(),
  maxRunsKept: z
    .number({ error: 'Max runs kept must be a number' })
    .int('Max runs kept must be a whole number')
    .min(1, 'Max runs kept must be at least 1')
    .max(10_000_000, 'Max runs kept must be at most 10000000')
    .describe(
      'Finished runs of this flow kept in the history at most; the retention job deletes older ones (queued and running runs are never deleted). Empty: only the server-wide retention in days.',
    )
    .optional(),
  errorFlowId: z
    .uuid({ error: 'Error flow must be the id of a flow' })
    .meta(uiHint({ widget: 'flow' }))
    .describe(
      'When a run of this flow fails, this flow is started with the failed run as its input (failedRun). Runs of an error flow never start one themselves. Empty: none.',
    )
    .optional(),
});
export type FlowSettings = z.infer<typeof flowSettingsSchema>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  initialDelayMs: 1_000,
  backoffFactor: 2,
  maxDelayMs: 60_000,
  jitter: 0.2,
  retryOn: 'transient',
});

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = Object.freeze({
  enabled: true,
  consecutiveFailures: 5,
  failureRateThreshold: 0.5,
  minimumThroughput: 20,
  windowMs: 30_000,
  openDurationMs: 30_000,
  halfOpenProbes: 1,
});

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
export const DEFAULT_RUN_TIMEOUT_MS = 24 * 3_600_000;

/** A node's effective policy: document values over connector defaults over Patchbay defaults. */
export type ResolvedNodePolicy = {
  retry: ResolvedRetryPolicy;
  timeoutMs: number;
  expressionTimeoutMs: number;
  breaker: BreakerPolicy;
  rateLimit: RateLimitPolicy | undefined;
  target: string | undefined;
};

/** Connector defaults a node type may declare (e.g. a pure transform never retries). */
export type NodePolicyDefaults = {
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  breaker?: Partial<BreakerPolicy>;
};

/** A flow's effective settings: document values over Patchbay's defaults (no concurrency limit). */
export type ResolvedFlowSettings = {
  maxConcurrentRuns: number | undefined;
  /** Runs of the flow waiting in the queue at most; undefined: only the server-wide limit. */
  maxQueuedRuns: number | undefined;
  runTimeoutMs: number;
  /** Finished runs of the flow kept at most; undefined: only the server-wide retention in days. */
  maxRunsKept: number | undefined;
};

export function resolveFlowSettings(settings: FlowSettings | undefined): ResolvedFlowSettings {
  return {
    maxConcurrentRuns: settings?.maxConcurrentRuns,
    maxQueuedRuns: settings?.maxQueuedRuns,
    runTimeoutMs: settings?.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
    maxRunsKept: settings?.maxRunsKept,
  };
}

export function resolveNodePolicy(
  policy: NodePolicyInput | undefined,
  defaults: NodePolicyDefaults | undefined,
  retryOptions?: NodeRetryOptions,
): ResolvedNodePolicy {
  return {
    retry: {
      ...DEFAULT_RETRY_POLICY,
      ...retryOptions?.defaults,
      ...defined(defaults?.retry),
      ...defined(policy?.retry),
    },
    timeoutMs: policy?.timeoutMs ?? defaults?.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
    expressionTimeoutMs: policy?.expressionTimeoutMs ?? DEFAULT_EXPRESSION_TIMEOUT_MS,
    breaker: {
      ...DEFAULT_BREAKER_POLICY,
      ...defined(defaults?.breaker),
      ...defined(policy?.breaker),
    },
    rateLimit: policy?.rateLimit,
    target: policy?.target,
  };
}

/** Drops undefined fields, so a partial policy never overwrites a default with undefined. */
function defined<T extends object>(
  partial: T | undefined,
): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value !== undefined) result[key] = value;
  }
  return result as { [K in keyof T]-?: Exclude<T[K], undefined> };
}
