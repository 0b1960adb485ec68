/** The docs of http.request (markdown), shown under its generated reference in docs/connectors. */
export const HTTP_REQUEST_DOCS = `Calls an HTTP endpoint and outputs its answer. A JSON body that is one \`{{ }}\` is sent as the
JSON of its value, so \`{{ $.order }}\` needs no quoting. Every request carries an
\`Idempotency-Key\` header (the run and node id, the same for every attempt) unless you set one.

**Output**

\`\`\`json
{ "status": 200, "statusText": "OK", "headers": { "content-type": "application/json" }, "body": {} }
\`\`\`

\`responseFormat\` decides the body. \`auto\` (the default) parses JSON when the content type is JSON
(\`application/json\`, \`*+json\`; an empty body is \`null\`), gives text for \`text/*\`, XML and other
textual types (in their \`charset\`), and base64 for anything else; with no content type, text when
the bytes are UTF-8, base64 otherwise. \`json\`, \`text\` and \`binary\` force one. A binary body is

\`\`\`json
{ "encoding": "base64", "data": "iVBORw0KGgo…", "contentType": "image/png", "bytes": 68 }
\`\`\`

Bodies larger than the server's response limit (10 MiB by default) fail with
\`HTTP_RESPONSE_TOO_LARGE\`; the limit counts bytes received, before base64.

**Authentication**

\`auth: { "credentialId": "…" }\` applies a credential to every request (and every page):
\`httpBearer\` (\`Authorization: Bearer …\`), \`httpBasic\`, \`httpHeader\` (its header replaces one of the
same name), \`httpQuery\` (its parameter replaces one of the same name) or \`oauth2ClientCredentials\`
(\`Authorization: Bearer\` with a token cached per worker until it expires; a 401 answer drops the
token, and the request is sent once more with a new one, within the same call). Redirects are
followed with the credential only on the origin it was set for: a hop to another origin goes
without it (and without \`Authorization\`). The values are
decrypted on the worker when the node runs and never appear in the flow, its runs or its errors.
Saving or importing a flow with a literal secret in a header such as \`Authorization\` or
\`X-API-Key\`, or in a query parameter such as \`api_key\` or \`token\`, gives a warning that
suggests a credential.

**Pagination**

\`pagination\` sends page after page and outputs all their items as one body:

\`\`\`json
{ "status": 200, "statusText": "OK", "headers": {}, "body": [{ "id": 1 }, { "id": 2 }], "pages": 2, "truncated": false }
\`\`\`

| mode | next page | stops |
|---|---|---|
| \`linkHeader\` | the \`Link: <…>; rel="next"\` URL (GitHub, GitLab) | no next link |
| \`cursor\` | the value at \`cursorPath\` in the body, sent as query \`cursorParam\` | an empty or missing cursor |
| \`offset\` | query \`offsetParam\` = items so far, \`limitParam\` = \`limit\` | a page shorter than \`limit\` |
| \`page\` | query \`pageParam\` = \`firstPage\`, then +1 | an empty page |

Each page's items are at \`itemsPath\` (a dotted path such as \`data.items\`), or the page body is the
array. \`headers\`, \`status\` and \`statusText\` are the last page's; \`pages\` counts pages received;
\`truncated\` is true when \`maxPages\` (default 10, at most 1000) stopped it with pages left. Each
page is its own call through the circuit breaker and rate limit, \`timeoutMs\` applies to each
page, and the response size limit to all pages together. With \`failOnHttpError: false\`, an
error answer ends the collection: the output has that answer's status and headers, the items so
far, \`truncated: true\` and the answer's body as \`errorBody\`. With a credential, a next link to
another origin fails (\`HTTP_PAGINATION\`) rather than carry the credential there.

**Errors and retries**

| code | retried |
|---|---|
| \`HTTP_STATUS\` | 5xx and 429 (after its \`Retry-After\`); other statuses are not |
| \`HTTP_NETWORK\`, \`HTTP_TIMEOUT\` | yes |
| \`HTTP_INVALID_URL\`, \`HTTP_INVALID_HEADER\`, \`HTTP_INVALID_BODY\` | never: fix the config |
| \`HTTP_RESPONSE_TOO_LARGE\`, \`HTTP_INVALID_JSON\`, \`HTTP_PAGINATION\` | only with \`retryOn: any\` (a page link to another origin never) |
| \`CREDENTIAL_NOT_FOUND\`, \`CREDENTIAL_TYPE_NOT_ACCEPTED\` | no: choose another credential |
| \`OAUTH2_TOKEN_FAILED\` | when the token URL answered 5xx or 429, or could not be reached |
| \`EGRESS_DENIED\` | never: the server's egress policy refused the destination |

Error messages name the method, origin and path, never the query string; error body snippets show
\`***\` in place of the credential values sent.

Only HTTP nodes have two more retry fields: \`policy.retry.retryHttpStatuses\` (retried although
not transient, e.g. \`[409]\`) and \`policy.retry.noRetryHttpStatuses\` (never retried, e.g. \`[501]\`).
`;
