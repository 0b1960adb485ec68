-- Error flows (issue 8): a run started because a run of another flow failed has trigger 'error'.
-- The engine's RUN_TRIGGER_KINDS (packages/engine/src/connector/trigger.ts). Added NOT VALID and
-- validated apart, so the scan of existing rows does not hold the table's exclusive lock.
ALTER TABLE "runs" DROP CONSTRAINT "runs_trigger_check";
ALTER TABLE "runs" ADD CONSTRAINT "runs_trigger_check"
  CHECK ("trigger" IN ('manual', 'api', 'webhook', 'schedule', 'error')) NOT VALID;
ALTER TABLE "runs" VALIDATE CONSTRAINT "runs_trigger_check";
