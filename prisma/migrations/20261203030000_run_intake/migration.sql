-- Admission control reads the queue's depth and lag per flow every half second: a partial index
-- holds only the runs waiting for a worker, so that read costs the queue's size, not the history's.
CREATE INDEX "runs_queued_idx" ON "runs"("flow_id", "created_at") WHERE "status" = 'queued';
