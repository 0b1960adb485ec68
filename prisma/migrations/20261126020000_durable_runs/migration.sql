-- Durable runs: every run is a job on graphile-worker's queue (schema graphile_worker, created by
-- the server at start-up after these migrations). A worker claims a run with a lease it keeps
-- alive by heartbeat; a run whose lease expires is resumed by another worker from its persisted
-- steps. Starts are idempotent per (flow, key); failed runs can be retried from the failed step.

-- AlterTable
ALTER TABLE "runs"
    ADD COLUMN "idempotency_key" TEXT,
    ADD COLUMN "lease_owner" TEXT,
    ADD COLUMN "lease_expires_at" TIMESTAMPTZ(3),
    ADD COLUMN "wake_at" TIMESTAMPTZ(3),
    ADD COLUMN "cancel_requested_at" TIMESTAMPTZ(3),
    ADD COLUMN "retry_of_run_id" UUID,
    ADD COLUMN "retry_mode" TEXT,
    ADD COLUMN "deadline_at" TIMESTAMPTZ(3),
    ADD COLUMN "executions" INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT "runs_retry_mode_check" CHECK ("retry_mode" IN ('failed_step', 'start'));

-- AlterTable
ALTER TABLE "step_runs"
    ADD COLUMN "retry_delay_ms" INTEGER,
    ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3),
    ADD COLUMN "reused_from_run_id" UUID,
    ADD COLUMN "wait_reason" TEXT,
    ADD COLUMN "waiting_since" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "workers" (
    "id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "hostname" TEXT NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "queue_worker_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "runs_flow_id_idempotency_key_key" ON "runs"("flow_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "runs_status_lease_expires_at_idx" ON "runs"("status", "lease_expires_at");

-- CreateIndex
CREATE INDEX "runs_flow_id_status_idx" ON "runs"("flow_id", "status");

-- CreateIndex
CREATE INDEX "runs_retry_of_run_id_idx" ON "runs"("retry_of_run_id");

-- CreateIndex
CREATE INDEX "workers_heartbeat_at_idx" ON "workers"("heartbeat_at");

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_retry_of_run_id_fkey" FOREIGN KEY ("retry_of_run_id") REFERENCES "runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
