/**
 * The notes of trigger.schedule in the generated per-type docs (docs/connectors, under the
 * config table generated from its schema): behaviour, output and examples.
 */
export const SCHEDULE_TRIGGER_DOCS = `Starts the flow on a cron schedule while the flow is **switched on** (the switch in the editor
toolbar or the flow list). Every tick fires exactly once, however many worker processes run:
each one is claimed in PostgreSQL by the flow and its scheduled time. Only worker processes
(\`--role=worker\` or \`all\`) tick.

Patterns: \`*/5 * * * *\` every 5 minutes; \`0 9 * * 1-5\` 09:00 on weekdays; \`*/10 * * * * *\`
every 10 seconds (6 fields: seconds first). The time zone's daylight saving is followed: a time
skipped by the change does not fire, a time that occurs twice fires once. The inspector shows
the next five fire times in the chosen time zone.

A changed schedule takes effect as soon as the flow is saved; switching the flow off stops it at
once. With \`overlap: skip\`, a tick is dropped while any run of the flow is queued or running;
with \`queue\`, its run is started anyway and a flow whose settings allow one run at a time
(*Max concurrent runs* 1) executes such runs one after the other; \`allow\` always starts one.
With \`catchUp: last\`, when workers start again after every one was down over a tick, the most
recent missed tick fires once.

Output (the run's input; runs show the trigger \`schedule\` in the history):

\`\`\`json
{ "scheduledAt": "2026-12-04T09:00:00.000Z", "firedAt": "2026-12-04T09:00:00.012Z", "timezone": "Europe/Berlin" }
\`\`\`

\`scheduledAt\` is the tick's time, \`firedAt\` when its run was started. A run started by hand
(Run in the editor) gets the current time for both.
`;
