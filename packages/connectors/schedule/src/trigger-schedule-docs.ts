/** The documentation of trigger.schedule (rendered into docs/ by the docs generator). */
export const SCHEDULE_TRIGGER_DOCS = `Starts the flow on a cron schedule while the flow is **switched on** (the switch in the editor
toolbar or the flow list). Every tick fires exactly once, however many worker processes run:
each one is claimed in PostgreSQL by the flow and its scheduled time.

## Config

| field | default | |
|---|---|---|
| \`cron\` | (required) | 5 fields (\`minute hour day-of-month month day-of-week\`) or 6 with seconds first. \`*/5 * * * *\`: every 5 minutes; \`0 9 * * 1-5\`: 09:00 on weekdays; \`*/10 * * * * *\`: every 10 seconds. |
| \`timezone\` | \`UTC\` | The IANA time zone the pattern is read in, e.g. \`Europe/Berlin\`. Daylight saving is followed: a time skipped by the change does not fire, a time that occurs twice fires once. |
| \`overlap\` | \`skip\` | When a run of the flow is still queued or running at a tick: \`skip\` starts no run for that tick; \`queue\` starts it anyway, and a flow whose settings allow one run at a time (*Max concurrent runs* 1) executes such runs one after the other; \`allow\` starts it anyway. |
| \`catchUp\` | \`none\` | \`last\`: when workers start again after every one was down over a tick, the most recent missed tick fires once. \`none\`: missed ticks are dropped. |

The inspector shows the next five fire times in the chosen time zone.

## Output

The run's input, which is this node's output:

\`\`\`json
{ "scheduledAt": "2026-12-04T09:00:00.000Z", "firedAt": "2026-12-04T09:00:00.012Z", "timezone": "Europe/Berlin" }
\`\`\`

\`scheduledAt\` is the tick's time, \`firedAt\` when its run was started. A run started by hand
(Run in the editor) gets the current time for both. Runs of a schedule show the trigger
\`schedule\` in the run history.

## Notes

- A changed schedule takes effect as soon as the flow is saved; switching the flow off stops it
  at once.
- Only worker processes (\`--role=worker\` or \`all\`) tick.
`;
