-- Statistics for the history's error filters (issue 8). The expression indexes on error->>'code'
-- and error->>'nodeId' are partial, and ANALYZE keeps no statistics for the expressions of partial
-- indexes, so the planner guessed 0.5 % of rows for any code or node and runs.list showed that
-- guess as its total. Expression statistics (PostgreSQL 14+) give the most common values and their
-- frequencies; the multi-column ones let a flow + code or flow + node filter be estimated with
-- their dependency instead of as independent.
CREATE STATISTICS "runs_error_code_stats" ON (("error" ->> 'code')) FROM "runs";
CREATE STATISTICS "runs_error_node_stats" ON (("error" ->> 'nodeId')) FROM "runs";
CREATE STATISTICS "runs_flow_error_stats" (dependencies, mcv) ON "flow_id", (("error" ->> 'code')), (("error" ->> 'nodeId')) FROM "runs";
