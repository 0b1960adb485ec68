/**
 * What a request to /hooks/<key> does, transport aside: find the active flow (404), check the
 * method (405), the rate limit (429) and the signature (401), parse the body (400), then start a
 * run through the run intake with trigger `webhook` and, in sync mode, wait for its result without
 * polling (run-completions.ts). Nothing is written before every check has passed.
 */
import {
  HMAC_SECRET_CREDENTIAL,
  headersOf,
  parseWebhookBody,
  signatureScheme,
  verifySignature,
  WebhookBodyError,
  type WebhookConfig,
  type WebhookInput,
} from '@patchbay/connector-webhook';
import type { Logger } from 'pino';
import { toJsonText } from '../db/json-column.ts';
import {
  FlowDeletedError,
  FlowInactiveError,
  FlowNotRunnableError,
  NotFoundError,
  OverloadedError,
} from '../domain-errors.ts';
import type { RunCompletions } from '../runs/run-completions.ts';
import type { RunIntake } from '../runs/run-intake.ts';
import { RUN_STATUS } from '../runs/run-status.ts';
import type { WebhookCaptures } from './webhook-captures.ts';
import type { WebhookDirectory } from './webhook-directory.ts';
import type { WebhookEndpoint } from './webhook-endpoint.ts';
import type { WebhookRateLimits } from './webhook-rate-limits.ts';
import type { SecretReader } from './webhook-secrets.ts';

export const RUN_ID_HEADER = 'x-patchbay-run-id';
/** Most characters of an idempotency header value used as the run's key. */
const MAX_IDEMPOTENCY_KEY = 200;

export type WebhookRequest = {
  /** The URL segment after /hooks/: a flow id or a path. */
  key: string;
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The query string without its "?". */
  query: URLSearchParams;
  rawBody: Buffer;
};

export type WebhookResponse = {
  status: number;
  headers: Record<string, string>;
  /** Sent as JSON. */
  body: unknown;
};

export type WebhookIngressDeps = {
  directory: WebhookDirectory;
  intake: RunIntake;
  completions: RunCompletions;
  captures: WebhookCaptures;
  rateLimits: WebhookRateLimits;
  secrets: SecretReader;
  logger: Pick<Logger, 'debug' | 'warn'>;
  now?: () => number;
};

type Checked =
  | { ok: true; input: WebhookInput; idempotencyKey: string | undefined }
  | { ok: false; response: WebhookResponse };

export class WebhookIngress {
  constructor(private readonly deps: WebhookIngressDeps) {}

  async handle(request: WebhookRequest): Promise<WebhookResponse> {
    const { deps } = this;
    if (deps.captures.has(request.key)) return this.capture(request);
    const endpoint = deps.directory.resolve(request.key);
    if (!endpoint) {
      return errorResponse(
        404,
        'WEBHOOK_NOT_FOUND',
        `No active flow is served at /hooks/${request.key}. Check the URL, and that the flow is switched on.`,
      );
    }
    const checked = await this.check(endpoint, request);
    if (!checked.ok) {
      deps.logger.debug(
        { flowId: endpoint.flowId, status: checked.response.status },
        'Webhook request refused',
      );
      return checked.response;
    }
    return this.start(endpoint, checked.input, checked.idempotencyKey);
  }

  private async check(endpoint: WebhookEndpoint, request: WebhookRequest): Promise<Checked> {
    const { config } = endpoint;
    const method = request.method.toUpperCase();
    if (config.method !== 'ANY' && method !== config.method) {
      return {
        ok: false,
        response: errorResponse(
          405,
          'METHOD_NOT_ALLOWED',
          `Flow "${endpoint.flowName}" accepts ${config.method} requests at this webhook (node "${endpoint.nodeId}", field method), not ${method}.`,
          { allow: config.method },
        ),
      };
    }
    if (config.rateLimit) {
      const waitMs = this.deps.rateLimits.take(endpoint.flowId, config.rateLimit);
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1_000));
        return {
          ok: false,
          response: errorResponse(
            429,
            'RATE_LIMITED',
            `Flow "${endpoint.flowName}" accepts at most ${config.rateLimit.limit} requests per ${config.rateLimit.periodMs} ms at this webhook. Try again in ${seconds} s.`,
            { 'retry-after': String(seconds) },
          ),
        };
      }
    }
    if (config.signature) {
      const verdict = await this.verify(endpoint, config, request);
      if (verdict) return { ok: false, response: verdict };
    }
    let input: WebhookInput;
    try {
      input = inputOf(request);
    } catch (error) {
      if (!(error instanceof WebhookBodyError)) throw error;
      return { ok: false, response: errorResponse(400, error.code, error.message) };
    }
    const idempotencyKey =
      config.idempotencyHeader === undefined
        ? undefined
        : input.headers[config.idempotencyHeader]?.slice(0, MAX_IDEMPOTENCY_KEY) || undefined;
    return { ok: true, input, idempotencyKey };
  }

  /** Undefined when the signature is good; the 401 (or 500 for a missing secret) otherwise. */
  private async verify(
    endpoint: WebhookEndpoint,
    config: WebhookConfig,
    request: WebhookRequest,
  ): Promise<WebhookResponse | undefined> {
    const signature = config.signature;
    if (!signature) return undefined;
    const secret = await this.secretOf(endpoint, signature.credentialId);
    if (typeof secret !== 'string') return secret;
    const verdict = verifySignature({
      scheme: signatureScheme(signature),
      secret,
      headers: request.headers,
      rawBody: request.rawBody,
      nowMs: this.now(),
    });
    if (verdict.ok) return undefined;
    return errorResponse(401, 'SIGNATURE_INVALID', `${verdict.message}.`);
  }

  private async secretOf(
    endpoint: WebhookEndpoint,
    credentialId: string,
  ): Promise<string | WebhookResponse> {
    const credential = await this.deps.secrets.read(credentialId);
    const data = credential?.data as { secret?: unknown } | undefined;
    if (credential?.type === HMAC_SECRET_CREDENTIAL && typeof data?.secret === 'string') {
      return data.secret;
    }
    this.deps.logger.warn(
      { flowId: endpoint.flowId, nodeId: endpoint.nodeId, credentialId },
      'Webhook signature credential is missing or not an HMAC secret',
    );
    // The sender cannot fix this; the flow's owner can. Nothing is started.
    return errorResponse(
      500,
      'WEBHOOK_MISCONFIGURED',
      `Flow "${endpoint.flowName}" cannot check this webhook's signature: its credential (node "${endpoint.nodeId}", field signature.credentialId) ${credential ? 'is not an HMAC secret' : 'does not exist'}.`,
    );
  }

  private async start(
    endpoint: WebhookEndpoint,
    input: WebhookInput,
    idempotencyKey: string | undefined,
  ): Promise<WebhookResponse> {
    const { deps } = this;
    const sync = endpoint.config.responseMode === 'sync';
    // Listening before the run exists: its finish cannot be missed.
    if (sync) await deps.completions.ready();
    let started: { runId: string; deduplicated: boolean };
    try {
      started = await deps.intake.start({
        flowId: endpoint.flowId,
        input,
        inputText: toJsonText(input),
        trigger: 'webhook',
        idempotencyKey,
      });
    } catch (error) {
      return refusal(error, endpoint);
    }
    const { runId, deduplicated } = started;
    deps.logger.debug({ flowId: endpoint.flowId, runId, deduplicated, sync }, 'Webhook run');
    const runHeader = { [RUN_ID_HEADER]: runId };
    if (!sync) return { status: 202, headers: runHeader, body: { runId, deduplicated } };

    const completion = await deps.completions.wait(runId, {
      timeoutMs: endpoint.config.syncTimeoutMs,
      stored: deduplicated,
    });
    if (!completion) return { status: 202, headers: runHeader, body: { runId } };
    if (completion.status === RUN_STATUS.succeeded) {
      return { status: 200, headers: runHeader, body: completion.output ?? null };
    }
    const error = completion.error ?? {
      code: completion.status === RUN_STATUS.cancelled ? 'RUN_CANCELLED' : 'RUN_FAILED',
      message: `The run ${completion.status === RUN_STATUS.cancelled ? 'was cancelled' : 'failed'}.`,
    };
    return {
      status: 500,
      headers: runHeader,
      body: { runId, error: { code: error.code, message: error.message } },
    };
  }

  private capture(request: WebhookRequest): WebhookResponse {
    let input: WebhookInput;
    try {
      input = inputOf(request);
    } catch (error) {
      if (!(error instanceof WebhookBodyError)) throw error;
      input = {
        method: request.method.toUpperCase(),
        path: request.key,
        headers: headersOf(request.headers),
        query: Object.fromEntries(request.query),
        body: request.rawBody.toString('utf8'),
      };
    }
    this.deps.captures.deliver(request.key, {
      input,
      receivedAt: new Date(this.now()).toISOString(),
    });
    return { status: 200, headers: {}, body: { captured: true } };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

function inputOf(request: WebhookRequest): WebhookInput {
  const headers = headersOf(request.headers);
  return {
    method: request.method.toUpperCase(),
    path: request.key,
    headers,
    query: queryOf(request.query),
    body: parseWebhookBody(request.rawBody, headers['content-type']),
  };
}

function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    Object.defineProperty(query, name, {
      value: values.length === 1 ? values[0] : values,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return query;
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): WebhookResponse {
  return { status, headers, body: { error: { code, message } } };
}

/** Why the intake did not start the run, as an HTTP answer. */
function refusal(error: unknown, endpoint: WebhookEndpoint): WebhookResponse {
  if (error instanceof OverloadedError) {
    return errorResponse(error.scope === 'flow' ? 429 : 503, error.code, error.message, {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof FlowInactiveError) {
    return errorResponse(
      404,
      'WEBHOOK_NOT_FOUND',
      `No active flow is served here: flow "${endpoint.flowName}" is switched off.`,
    );
  }
  if (error instanceof NotFoundError || error instanceof FlowDeletedError) {
    return errorResponse(
      404,
      'WEBHOOK_NOT_FOUND',
      `No active flow is served here any more: flow "${endpoint.flowName}" was deleted.`,
    );
  }
  if (error instanceof FlowNotRunnableError) {
    return errorResponse(409, error.code, error.message);
  }
  throw error;
}
