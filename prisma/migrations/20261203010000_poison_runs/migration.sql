-- Poison runs: how many executions of a run ended because its worker died or lost its lease
-- (counted when another worker takes the run over). A run interrupted PATCHBAY_MAX_RUN_EXECUTIONS
-- times is failed with POISON_RUN instead of being resumed again.

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "interruptions" INTEGER NOT NULL DEFAULT 0;
