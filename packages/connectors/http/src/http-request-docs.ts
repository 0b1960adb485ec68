/** The generated docs page of http.request (markdown). */
export const HTTP_REQUEST_DOCS = `Calls an HTTP endpoint and outputs its answer.

## Config

- **method**: \`GET\` (default), \`POST\`, \`PUT\`, \`PATCH\`, \`DELETE\`, \`HEAD\` or \`OPTIONS\`.
- **url**: an absolute http(s) URL. May hold \`{{ JSONata }}\` templates, e.g.
  \`https://api.example.com/orders/{{ $.id }}\`.
- **headers**, **query**: name → value; values accept templates.
- **bodyType**: \`none\`, \`json\` or \`text\`. A JSON body that is one \`{{ }}\` is sent as the JSON of
  its value, so \`{{ $.order }}\` needs no quoting.
- **failOnHttpError**: when true (default), a status of 400 or more fails the step.
- **timeoutMs**: for the whole call, the body included (default 30 000).

Every request carries an \`Idempotency-Key\` header (the run and node id, the same for every
attempt) unless you set one.

## Output

\`\`\`json
{ "status": 200, "statusText": "OK", "headers": { "content-type": "application/json" }, "body": {} }
\`\`\`

The body is parsed when the response is JSON, otherwise it is text.

## Errors and retries

| code | retried |
|---|---|
| \`HTTP_STATUS\` | 5xx and 429 (waiting for its \`Retry-After\`); other statuses are not |
| \`HTTP_NETWORK\`, \`HTTP_TIMEOUT\` | yes |
| \`HTTP_INVALID_URL\`, \`HTTP_INVALID_HEADER\`, \`HTTP_INVALID_BODY\` | never: fix the config |
| \`HTTP_RESPONSE_TOO_LARGE\`, \`HTTP_INVALID_JSON\` | only with \`retryOn: any\` |
| \`EGRESS_DENIED\` | never: the server's egress policy refused the destination |

Only HTTP nodes have two more retry fields: \`policy.retry.retryHttpStatuses\` (retried although
not transient, e.g. \`[409]\`) and \`policy.retry.noRetryHttpStatuses\` (never retried, e.g. \`[501]\`).
`;
