/** The docs of the core node types (markdown), shown under their generated reference. */

export const MANUAL_TRIGGER_DOCS = `Starts the flow when you click **Run** in the editor, or when a run is started through the
API. Its output is the input the run was started with, unchanged (\`{}\` when none was given);
\`sampleInput\` is what the editor offers as that input.
`;

export const TRANSFORM_JSONATA_DOCS = `Computes its output with a [JSONata](https://jsonata.org) expression: \`$\` is the input (the
upstream node's output), \`$nodes.<id>\` the output of any earlier node, \`$trigger\` the run's
input. An expression that matches nothing outputs \`null\`.

\`\`\`jsonata
$.body.orders[status = 'paid'].{ "id": id, "total": total }
\`\`\`

\`EXPRESSION_FAILED\`, \`EXPRESSION_TIMEOUT\` and \`EXPRESSION_MEMORY_LIMIT\` are never retried: the same
input gives the same result.
`;

export const LOGIC_IF_DOCS = `Sends its input, unchanged, out of the **true** or the **false** port; the nodes behind the
other port are skipped. The condition is read with JSONata's \`$boolean\` rules: \`0\`, \`""\`,
\`[]\`, \`{}\`, \`null\` and a missing value are false.

\`\`\`jsonata
$.amount > 100 and $.currency = 'EUR'
\`\`\`
`;
