-- Retention (issue 8): when a run's step inputs and outputs were pruned, and a log of pruning passes.
ALTER TABLE "runs" ADD COLUMN "step_data_pruned_at" TIMESTAMPTZ(3);

CREATE TABLE "pruning_log" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "worker_id" TEXT NOT NULL,
    "runs_deleted" INTEGER NOT NULL DEFAULT 0,
    "runs_over_flow_limit_deleted" INTEGER NOT NULL DEFAULT 0,
    "runs_step_data_pruned" INTEGER NOT NULL DEFAULT 0,
    "statements" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "pruning_log_pkey" PRIMARY KEY ("id")
);

-- Succeeded runs whose step data is still kept, oldest first: what step-data pruning scans.
CREATE INDEX "runs_step_data_unpruned_idx" ON "runs"("created_at") WHERE "status" = 'succeeded' AND "step_data_pruned_at" IS NULL;

CREATE INDEX "pruning_log_started_at_idx" ON "pruning_log"("started_at" DESC);
