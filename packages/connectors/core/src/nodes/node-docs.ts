/** The generated docs pages of the core node types (markdown), kept apart from their code. */

export const MANUAL_TRIGGER_DOCS = `Starts the flow when you click **Run** in the editor, or when a run is started through the
API (\`runs.start\`).

## Config

- **sampleInput** (optional): a JSON object the editor offers as the run's input.

## Output

The input the run was started with, unchanged (\`{}\` when none was given).
`;

export const TRANSFORM_JSONATA_DOCS = `Computes its output with a [JSONata](https://jsonata.org) expression.

## Config

- **expression**: a JSONata expression. \`$\` is the input (the upstream node's output),
  \`$nodes.<id>\` the output of any earlier node, \`$trigger\` the run's input.

## Output

The expression's value. An expression that matches nothing gives \`null\`.

## Example

\`\`\`jsonata
$.body.orders[status = 'paid'].{ "id": id, "total": total }
\`\`\`

## Errors

\`EXPRESSION_FAILED\`, \`EXPRESSION_TIMEOUT\` and \`EXPRESSION_MEMORY_LIMIT\` are never retried: the same
input gives the same result.
`;

export const LOGIC_IF_DOCS = `Sends its input, unchanged, out of the **true** or the **false** port, by a JSONata condition.

## Config

- **condition**: a JSONata expression over \`$\`, \`$nodes\` and \`$trigger\`, read with JSONata's
  \`$boolean\` rules: \`0\`, \`""\`, \`[]\`, \`{}\`, \`null\` and a missing value are false.

## Output

The input, through one port. Nodes behind the other port are skipped.

## Example

\`\`\`jsonata
$.amount > 100 and $.currency = 'EUR'
\`\`\`
`;
