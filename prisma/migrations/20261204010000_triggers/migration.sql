-- Flows that are switched on, run trigger kinds, and schedule ticks claimed once (issue 7).

-- Only active flows accept webhooks and schedule ticks; manual runs always work. New and
-- imported flows start inactive.
ALTER TABLE "flows" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "flows" ADD COLUMN "activated_at" TIMESTAMPTZ(3);
-- Every process reads the active flows at start and every 30 s (the trigger manager's resync).
CREATE INDEX "flows_active_idx" ON "flows"("id") WHERE "active" AND "deleted_at" IS NULL;

-- The engine's RUN_TRIGGER_KINDS (packages/engine/src/connector/trigger.ts). Existing rows hold
-- 'manual' or 'api' only.
ALTER TABLE "runs" ADD CONSTRAINT "runs_trigger_check"
  CHECK ("trigger" IN ('manual', 'api', 'webhook', 'schedule'));
-- runs.list filters by trigger kind.
CREATE INDEX "runs_trigger_created_at_idx" ON "runs"("trigger", "created_at" DESC);

-- One row per occurrence a trigger claimed (a schedule tick: its scheduled time): the first
-- process to insert it fires it, every other one finds it taken. Rows older than the retention
-- (trigger-claims.ts) are deleted.
CREATE TABLE "trigger_claims" (
  "flow_id" UUID NOT NULL,
  "key" TEXT NOT NULL,
  "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "trigger_claims_pkey" PRIMARY KEY ("flow_id", "key"),
  CONSTRAINT "trigger_claims_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id")
    ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "trigger_claims_claimed_at_idx" ON "trigger_claims"("claimed_at");

-- Every process's trigger manager LISTENs here: a flow switched on or off, deleted, or given a
-- new version while active NOTIFYs its id, whichever code path wrote it. Sent at commit.
CREATE FUNCTION "patchbay_notify_flow_triggers"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'flow_versions' THEN
    IF EXISTS (SELECT 1 FROM "flows" WHERE "id" = NEW."flow_id" AND "active") THEN
      PERFORM pg_notify('patchbay_flow_triggers', NEW."flow_id"::text);
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('patchbay_flow_triggers', OLD."id"::text);
  ELSE
    PERFORM pg_notify('patchbay_flow_triggers', NEW."id"::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "flows_notify_triggers_update" AFTER UPDATE OF "active", "deleted_at" ON "flows"
  FOR EACH ROW
  WHEN (OLD."active" IS DISTINCT FROM NEW."active" OR OLD."deleted_at" IS DISTINCT FROM NEW."deleted_at")
  EXECUTE FUNCTION "patchbay_notify_flow_triggers"();
CREATE TRIGGER "flows_notify_triggers_delete" AFTER DELETE ON "flows"
  FOR EACH ROW WHEN (OLD."active")
  EXECUTE FUNCTION "patchbay_notify_flow_triggers"();
CREATE TRIGGER "flow_versions_notify_triggers" AFTER INSERT ON "flow_versions"
  FOR EACH ROW EXECUTE FUNCTION "patchbay_notify_flow_triggers"();
