-- Deleting a flow archives it: deleted_at is set, its queued and running runs are cancelled, and
-- its versions, runs and steps are kept for the run history. Purging a deleted flow removes them.

-- AlterTable
ALTER TABLE "flows" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "flows_deleted_at_idx" ON "flows"("deleted_at");
