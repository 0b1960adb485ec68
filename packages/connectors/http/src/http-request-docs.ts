/** The docs of http.request (markdown), shown under its generated reference in docs/connectors. */
export const HTTP_REQUEST_DOCS = `Calls an HTTP endpoint and outputs its answer. A JSON body that is one \`{{ }}\` is sent as the
JSON of its value, so \`{{ $.order }}\` needs no quoting. Every request carries an
\`Idempotency-Key\` header (the run and node id, the same for every attempt) unless you set one.

**Output**

\`\`\`json
{ "status": 200, "statusText": "OK", "headers": { "content-type": "application/json" }, "body": {} }
\`\`\`

The body is parsed when the response is JSON, otherwise it is text.

**Errors and retries**

| code | retried |
|---|---|
| \`HTTP_STATUS\` | 5xx and 429 (after its \`Retry-After\`); other statuses are not |
| \`HTTP_NETWORK\`, \`HTTP_TIMEOUT\` | yes |
| \`HTTP_INVALID_URL\`, \`HTTP_INVALID_HEADER\`, \`HTTP_INVALID_BODY\` | never: fix the config |
| \`HTTP_RESPONSE_TOO_LARGE\`, \`HTTP_INVALID_JSON\` | only with \`retryOn: any\` |
| \`EGRESS_DENIED\` | never: the server's egress policy refused the destination |

Only HTTP nodes have two more retry fields: \`policy.retry.retryHttpStatuses\` (retried although
not transient, e.g. \`[409]\`) and \`policy.retry.noRetryHttpStatuses\` (never retried, e.g. \`[501]\`).
`;
