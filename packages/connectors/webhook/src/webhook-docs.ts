/** The trigger.webhook page of the generated docs. */
export const WEBHOOK_DOCS = `Starts a run for every HTTP request to the flow's webhook URL, while the flow is switched on.

## URLs

- \`/hooks/<flow id>\` always, and \`/hooks/<path>\` when **path** is set (one URL-safe segment,
  unique across active flows). Inactive flows answer 404. The URL is not behind sign-in: protect it
  with a **signature**, or keep the path unguessable.

## Output (the run input)

\`{ method, path, headers, query, body }\`: headers lower-cased (the signature header included),
query parameters (a repeated one as an array), and the body parsed by its Content-Type: JSON
(\`application/json\`, \`*+json\`), a form (\`application/x-www-form-urlencoded\`), else text.

## Responses

| mode | outcome | answer |
| --- | --- | --- |
| async (default) | accepted | 202 \`{ runId, deduplicated }\` |
| sync | run succeeded | 200, the output of the last node to finish on the taken path; header \`x-patchbay-run-id\` |
| sync | run failed | 500 \`{ runId, error: { code, message } }\` |
| sync | still running after **syncTimeoutMs** (default 30 s, at most 5 min) | 202 \`{ runId }\` |

Errors: 404 (no active flow there), 405 (another **method**), 401 (bad or missing signature:
nothing is recorded), 413 (body over \`PATCHBAY_WEBHOOK_MAX_BYTES\`, default 1 MiB), 429 (over the
**rateLimit**, with \`Retry-After\`), 400 (a JSON body that does not parse). Each is
\`{ error: { code, message } }\`.

## Deduplication

With **idempotencyHeader** (e.g. \`X-GitHub-Delivery\`), a repeated value returns the first run
(\`deduplicated: true\`; in sync mode with that run's result), for as long as the run is kept.
Concurrent duplicates produce one run.

## Signatures

An \`hmacSecret\` credential holds the secret. The HMAC is computed over the raw body bytes and
compared in constant time.

| preset | header | signed text | format |
| --- | --- | --- | --- |
| github | X-Hub-Signature-256 | body | \`sha256=<hex>\` |
| stripe | Stripe-Signature | \`<t>.<body>\` | \`t=<unix s>,v1=<hex>\`; t within toleranceSeconds (300) |
| slack | X-Slack-Signature + X-Slack-Request-Timestamp | \`v0:<ts>:<body>\` | \`v0=<hex>\`; ts within toleranceSeconds (300) |
| shopify | X-Shopify-Hmac-Sha256 | body | base64 |
| generic | **header** | body, or \`<ts>.<body>\` with **timestampHeader** | **prefix** + **encoding** (hex, base64) of **algorithm** (sha256, sha1, sha512) |

A timestamp outside the tolerance is refused, so a captured delivery cannot be replayed later.
`;
