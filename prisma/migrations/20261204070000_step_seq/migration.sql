-- Step order without timestamps (issue 8): `seq` numbers a run's step rows 1, 2, 3 … in the order
-- the executor first recorded each (node, attempt): started, waiting for a retry, or skipped. The
-- worker assigns it in memory (step-recorder.ts), continuing after the run's highest seq when the
-- run resumes; a retry from the failed step copies the source run's seq with its steps.
ALTER TABLE "step_runs" ADD COLUMN "seq" INTEGER;

-- Existing rows carry no such order: numbered by started_at (rows that never started last), then
-- attempt and id, as a best effort. Ties of started_at (parallel branches started in the same
-- millisecond) come out in id order, which is arbitrary.
-- Numbering changes no figure the step rollups keep (20261204050000_step_stats): their update
-- trigger is off meanwhile, so it does not diff every row of the table for nothing.
ALTER TABLE "step_runs" DISABLE TRIGGER "step_runs_stats_on_update";
UPDATE "step_runs" s
   SET "seq" = numbered.seq
  FROM (SELECT id, row_number() OVER (PARTITION BY run_id
                 ORDER BY started_at ASC NULLS LAST, attempt ASC, finished_at ASC NULLS LAST, id ASC)::int AS seq
          FROM "step_runs") AS numbered
 WHERE s.id = numbered.id;
ALTER TABLE "step_runs" ENABLE TRIGGER "step_runs_stats_on_update";

ALTER TABLE "step_runs" ALTER COLUMN "seq" SET NOT NULL;
