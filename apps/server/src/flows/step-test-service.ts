/**
 * Step tests (flows.testStep): one node executed alone, with the upstream data the caller gives
 * or an earlier run left, through the executor as in a run: the same egress-guarded connectors,
 * credentials vault, breakers and rate limits, expression sandbox, output cap and secret
 * redaction, one attempt, bounded by a timeout. Each test is recorded in step_tests, never as a
 * run: no runs row, no run statistics, not in the history.
 */
import { randomUUID } from 'node:crypto';
import {
  type Clock,
  type CompletedStep,
  type CredentialAccess,
  type ExpressionEvaluator,
  executeFlow,
  type FlowDocument,
  FlowValidationError,
  flowDocumentSchema,
  type NodeTypeRegistry,
  type RunOutcome,
  type SerializedError,
  type StepEvent,
  type UpstreamGuard,
  validateFlow,
} from '@patchbay/engine';
import type pg from 'pg';
import { jsonByteLength } from '../db/json-column.ts';
import { InvalidInputError, NotFoundError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import { SerializedValues } from '../worker/serialized-values.ts';
import { type ExpressionKind, planExpressionPreview } from './expression-preview-plan.ts';
import { type FlowService, MAX_DOCUMENT_BYTES } from './flow-service.ts';
import { planStepTest, type StepTestPlan, type UpstreamData } from './step-test-plan.ts';

/** A test still going after this long fails with RUN_TIMEOUT. */
export const STEP_TEST_TIMEOUT_MS = 30_000;
/** The retention job deletes step tests older than this. */
export const STEP_TEST_RETENTION_DAYS = 7;

export type StepTestInput = {
  flowId: string;
  nodeId: string;
  /** The editor's unsaved document; default the flow's saved draft. */
  document?: unknown;
  /** Upstream data as a run holds it: $trigger, and $nodes outputs by node id. */
  input?: { trigger?: unknown; nodes?: Record<string, unknown> | undefined } | undefined;
  /** Take the trigger input and upstream outputs from this run of the flow instead. */
  runId?: string | undefined;
};

export type ExpressionPreviewInput = StepTestInput & {
  expression: string;
  kind: ExpressionKind;
  /** The config field that holds the expression, named in its errors. */
  field?: string | undefined;
};

/** The expression's value, JSONata's "no match", or why it failed (code and message). */
export type ExpressionPreviewResult =
  | { status: 'value'; value: unknown }
  | { status: 'undefined' }
  | { status: 'error'; code: string; message: string };

export type StepTestError = { code: string; message: string; field?: string };

export type StepTestResult = {
  testId: string;
  flowId: string;
  nodeId: string;
  status: 'succeeded' | 'failed';
  output?: unknown;
  port?: string | null;
  error?: StepTestError;
  durationMs: number;
  startedAt: string;
};

export type StepTestSummary = StepTestResult & {
  nodeType: string;
  userId: string | null;
  input: unknown;
  sourceRunId: string | null;
};

type StepTestDeps = {
  pool: pg.Pool;
  registry: NodeTypeRegistry;
  flows: FlowService;
  guard: UpstreamGuard;
  credentials: CredentialAccess;
  expressions: ExpressionEvaluator;
  maxOutputBytes: number;
  clock: Clock;
  timeoutMs?: number;
};

export class StepTestService {
  constructor(private readonly deps: StepTestDeps) {}

  async test(input: StepTestInput, userId: string | null): Promise<StepTestResult> {
    const { document, plan } = await this.plan(input);
    const validated = validateFlow(plan.document, this.deps.registry);
    if (!validated.ok) throw new FlowValidationError(document.name, validated.issues);

    const testId = randomUUID();
    const { clock } = this.deps;
    const timeoutMs = this.deps.timeoutMs ?? STEP_TEST_TIMEOUT_MS;
    const values = new SerializedValues();
    const maxBytes = this.deps.maxOutputBytes;
    const events: StepEvent[] = [];
    const startedAt = clock.now();
    const startMs = clock.monotonicMs();
    const outcome = await executeFlow({
      flow: validated.flow,
      runId: testId,
      triggerInput: plan.triggerInput,
      completed: plan.completed,
      onEvent: async (event) => {
        events.push(event);
      },
      clock,
      deadline: new Date(startedAt.getTime() + timeoutMs),
      // Every wait within the timeout is slept here: a test never parks.
      inlineWaitMaxMs: timeoutMs,
      expressions: this.deps.expressions,
      outputLimit: { maxBytes, measure: (value) => values.measure(value, maxBytes) },
      guard: this.deps.guard,
      credentials: this.deps.credentials,
    });
    const result = resultOf(outcome, events, input.nodeId);
    const texts = {
      input: jsonText(values, result.input),
      output: jsonText(values, result.output),
      error: jsonText(values, result.error),
    };
    const record = {
      testId,
      flowId: input.flowId,
      nodeId: input.nodeId,
      ...result,
      durationMs: Math.round(result.durationMs ?? clock.monotonicMs() - startMs),
      startedAt: (result.startedAt ?? startedAt).toISOString(),
    };
    await this.deps.pool.query(
      `INSERT INTO step_tests (id, flow_id, node_id, node_type, user_id, status, input, output, port,
                               error, source_run_id, started_at, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        testId,
        input.flowId,
        input.nodeId,
        plan.node.type,
        userId,
        record.status,
        texts.input,
        texts.output,
        result.port ?? null,
        texts.error,
        input.runId ?? null,
        record.startedAt,
        record.durationMs,
      ],
    );
    return {
      testId,
      flowId: record.flowId,
      nodeId: record.nodeId,
      status: record.status,
      // As stored: plain JSON, whatever the node returned.
      ...(record.status === 'succeeded'
        ? {
            output: texts.output === null ? null : JSON.parse(texts.output),
            port: record.port ?? null,
          }
        : {}),
      ...(record.error ? { error: record.error } : {}),
      durationMs: record.durationMs,
      startedAt: record.startedAt,
    };
  }

  /**
   * Evaluates one expression of a node (a config field being edited) with the data a step test
   * of that node would have: the same plan, executor, sandbox and limits, the node itself swapped
   * for one that only evaluates the expression (expression-preview-plan.ts). Not recorded.
   */
  async previewExpression(input: ExpressionPreviewInput): Promise<ExpressionPreviewResult> {
    const { document, plan } = await this.plan(input);
    const preview = planExpressionPreview(plan, this.deps.registry, {
      expression: input.expression,
      kind: input.kind,
      field: input.field ?? 'expression',
    });
    const validated = validateFlow(preview.document, preview.registry);
    if (!validated.ok) throw new FlowValidationError(document.name, validated.issues);
    const { clock } = this.deps;
    const values = new SerializedValues();
    const maxBytes = this.deps.maxOutputBytes;
    const outcome = await executeFlow({
      flow: validated.flow,
      runId: randomUUID(),
      triggerInput: preview.triggerInput,
      completed: preview.completed,
      onEvent: async () => {},
      clock,
      deadline: new Date(clock.now().getTime() + (this.deps.timeoutMs ?? STEP_TEST_TIMEOUT_MS)),
      expressions: this.deps.expressions,
      outputLimit: { maxBytes, measure: (value) => values.measure(value, maxBytes) },
    });
    if (outcome.status === 'succeeded') {
      const output = outcome.outputs[input.nodeId] as { value?: unknown } | undefined;
      return output && Object.hasOwn(output, 'value') && output.value !== undefined
        ? { status: 'value', value: output.value }
        : { status: 'undefined' };
    }
    const error = testError(outcome.error);
    return { status: 'error', code: error.code, message: error.message };
  }

  /** The flow's recent step tests, newest first; of one node when `nodeId` is given. */
  async list(input: {
    flowId: string;
    nodeId?: string | undefined;
    limit: number;
  }): Promise<StepTestSummary[]> {
    await this.deps.flows.get(input.flowId);
    const { rows } = await this.deps.pool.query<StepTestRow>(
      `SELECT id, flow_id, node_id, node_type, user_id, status, input, output, port, error,
              source_run_id, started_at, duration_ms
         FROM step_tests
        WHERE flow_id = $1 AND ($2::text IS NULL OR node_id = $2)
        ORDER BY started_at DESC, id
        LIMIT $3`,
      [input.flowId, input.nodeId ?? null, input.limit],
    );
    return rows.map(toSummary);
  }

  /** The document (the editor's or the saved draft) and the step-test plan of the node. */
  private async plan(
    input: StepTestInput,
  ): Promise<{ document: FlowDocument; plan: StepTestPlan }> {
    const document =
      input.document === undefined
        ? (await this.deps.flows.get(input.flowId)).document
        : await this.editorDocument(input.flowId, input.document);
    const data = input.runId
      ? await this.runData(input.flowId, input.runId)
      : givenData(input.input);
    return { document, plan: planStepTest(document, input.nodeId, this.deps.registry, data) };
  }

  private async editorDocument(flowId: string, raw: unknown): Promise<FlowDocument> {
    await this.deps.flows.get(flowId);
    if (jsonByteLength(raw) > MAX_DOCUMENT_BYTES) {
      throw new InvalidInputError(
        'input.document',
        `The document to test is larger than a flow may be (${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB).`,
        'too large',
      );
    }
    const parsed = flowDocumentSchema.safeParse(raw);
    if (!parsed.success) {
      const [first] = parsed.error.issues;
      const where = first?.path.length ? ` (field "${first.path.join('.')}")` : '';
      throw new InvalidInputError(
        'input.document',
        `The document to test is not a flow document${where}: ${first?.message ?? 'unreadable'}`,
        'invalid document',
      );
    }
    return parsed.data;
  }

  /** The trigger input and the outputs (with ports) of the steps that succeeded in a run. */
  private async runData(flowId: string, runId: string): Promise<UpstreamData> {
    const run = isUuid(runId)
      ? await this.deps.pool.query<{ input: unknown }>(
          'SELECT input FROM runs WHERE id = $1 AND flow_id = $2',
          [runId, flowId],
        )
      : undefined;
    if (!run?.rows[0]) {
      throw new NotFoundError('Run', runId, 'It may have been pruned, or belong to another flow.');
    }
    const steps = await this.deps.pool.query<{ node_id: string; output: unknown; port: string }>(
      `SELECT DISTINCT ON (node_id) node_id, output, port
         FROM step_runs WHERE run_id = $1 AND status = 'succeeded'
        ORDER BY node_id, attempt DESC`,
      [runId],
    );
    const nodes: Record<string, CompletedStep> = Object.create(null);
    for (const step of steps.rows) nodes[step.node_id] = { output: step.output, port: step.port };
    return { trigger: run.rows[0].input ?? {}, nodes, source: 'run' };
  }
}

function givenData(input: StepTestInput['input']): UpstreamData {
  const nodes: Record<string, CompletedStep> = Object.create(null);
  for (const [id, output] of Object.entries(input?.nodes ?? {})) nodes[id] = { output, port: null };
  return { trigger: input?.trigger ?? {}, nodes, source: 'input' };
}

type Outcome = {
  status: 'succeeded' | 'failed';
  input?: unknown;
  output?: unknown;
  port?: string | null;
  error?: StepTestError;
  startedAt?: Date;
  durationMs?: number;
};

/** The tested node's outcome, from its step events and the run outcome (both redacted). */
function resultOf(outcome: RunOutcome, events: readonly StepEvent[], nodeId: string): Outcome {
  const mine = events.filter((event) => event.nodeId === nodeId);
  const started = mine.find((event) => event.type === 'step.started');
  const input = started?.type === 'step.started' ? started.input : undefined;
  const last = mine.at(-1);
  if (outcome.status === 'succeeded' && last?.type === 'step.succeeded') {
    return {
      status: 'succeeded',
      input,
      output: last.output,
      port: last.port,
      startedAt: last.startedAt,
      durationMs: last.durationMs,
    };
  }
  const timing =
    last?.type === 'step.failed' ? { startedAt: last.startedAt, durationMs: last.durationMs } : {};
  if (last?.type === 'step.skipped') {
    return {
      status: 'failed',
      input,
      error: {
        code: 'STEP_SKIPPED',
        message: `Node "${nodeId}" would be skipped with this upstream data: ${last.reason}.`,
      },
    };
  }
  if (outcome.status === 'waiting') {
    const waiting = outcome.waiting?.nodes.find((node) => node.nodeId === nodeId);
    return {
      status: 'failed',
      input,
      ...timing,
      error: {
        code: 'STEP_WOULD_WAIT',
        message: `Node "${nodeId}" would wait (${waiting?.reason ?? 'retry'}) until ${waiting?.resumeAt.toISOString() ?? 'later'}, past the test's timeout.`,
      },
    };
  }
  return { status: 'failed', input, ...timing, error: testError(outcome.error) };
}

function testError(error: SerializedError | undefined): StepTestError {
  if (!error) return { code: 'STEP_FAILED', message: 'The step failed' };
  const field = error.details?.field;
  return {
    code: error.code,
    message: error.message,
    ...(typeof field === 'string' ? { field } : {}),
  };
}

function jsonText(values: SerializedValues, value: unknown): string | null {
  return value === undefined ? null : values.of(value).text;
}

type StepTestRow = {
  id: string;
  flow_id: string;
  node_id: string;
  node_type: string;
  user_id: string | null;
  status: 'succeeded' | 'failed';
  input: unknown;
  output: unknown;
  port: string | null;
  error: StepTestError | null;
  source_run_id: string | null;
  started_at: Date;
  duration_ms: number;
};

function toSummary(row: StepTestRow): StepTestSummary {
  return {
    testId: row.id,
    flowId: row.flow_id,
    nodeId: row.node_id,
    nodeType: row.node_type,
    userId: row.user_id,
    status: row.status,
    input: row.input,
    ...(row.status === 'succeeded' ? { output: row.output, port: row.port } : {}),
    ...(row.error ? { error: row.error } : {}),
    sourceRunId: row.source_run_id,
    durationMs: row.duration_ms,
    startedAt: row.started_at.toISOString(),
  };
}
