-- Run history that scales (issue 8): keyset pages on (created_at DESC, id DESC), filters by error
-- code and failed node, and text search in run input and error message.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The text runs.list searches: the first 4 KB of the input's JSON text and the error message
-- (first 1 KB). Larger inputs are searched in their first 4 KB only. IMMUTABLE so it can be
-- indexed; runs-history-query.ts must call it with the same arguments for the index to apply.
CREATE FUNCTION "run_search_text"("input" JSONB, "error" JSONB) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT left(coalesce("input"::text, ''), 4096) || ' ' || left(coalesce("error" ->> 'message', ''), 1024) $$;

CREATE INDEX "runs_search_trgm_idx" ON "runs" USING GIN ("run_search_text"("input", "error") gin_trgm_ops);

-- Keyset order (created_at DESC, id DESC): these replace the (created_at DESC) and
-- (flow_id, created_at DESC, id) indexes.
DROP INDEX "runs_created_at_idx";
DROP INDEX "runs_flow_id_created_at_id_idx";
CREATE INDEX "runs_created_at_id_idx" ON "runs"("created_at" DESC, "id" DESC);
CREATE INDEX "runs_flow_id_created_at_id_idx" ON "runs"("flow_id", "created_at" DESC, "id" DESC);

-- Failed runs by error code and by the node that failed (error.code, error.nodeId).
CREATE INDEX "runs_error_code_idx" ON "runs"(("error" ->> 'code'), "created_at" DESC, "id" DESC)
  WHERE ("error" ->> 'code') IS NOT NULL;
CREATE INDEX "runs_error_node_idx" ON "runs"(("error" ->> 'nodeId'), "created_at" DESC, "id" DESC)
  WHERE ("error" ->> 'nodeId') IS NOT NULL;
