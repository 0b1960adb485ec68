-- Step tests (issue 9): one node executed alone from the editor with given upstream data. Kept
-- apart from runs and step_runs, so a test is never a run: no history, no run statistics, no
-- retention by run. The retention job deletes tests older than STEP_TEST_RETENTION_DAYS (7).
CREATE TABLE "step_tests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "flow_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "node_type" TEXT NOT NULL,
    "user_id" UUID,
    "status" TEXT NOT NULL,
    "input" JSONB,
    "output" JSONB,
    "port" TEXT,
    "error" JSONB,
    "source_run_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    CONSTRAINT "step_tests_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "step_tests_status_check" CHECK ("status" IN ('succeeded', 'failed'))
);

CREATE INDEX "step_tests_flow_id_node_id_started_at_idx" ON "step_tests"("flow_id", "node_id", "started_at" DESC);
CREATE INDEX "step_tests_started_at_idx" ON "step_tests"("started_at");

ALTER TABLE "step_tests" ADD CONSTRAINT "step_tests_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "step_tests" ADD CONSTRAINT "step_tests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
