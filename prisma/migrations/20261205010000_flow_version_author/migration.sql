-- Versions (issue 9): who saved each flow version, and which version a restore copied. Versions
-- saved before this migration have no author (NULL), as do versions of a user since removed.
ALTER TABLE "flow_versions" ADD COLUMN "created_by" UUID;
ALTER TABLE "flow_versions" ADD COLUMN "restored_from" INTEGER;

ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
