-- The credentials vault: each credential's values are one AES-256-GCM ciphertext (nonce, tag and
-- ciphertext in one bytea), sealed with the key named by key_id. Only the names of the secret
-- fields that are set are kept in the clear, so that lists need no decryption.
CREATE TABLE "credentials" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "key_id" TEXT NOT NULL,
    "secrets_set" TEXT[] NOT NULL DEFAULT '{}',
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "credentials_name_check" CHECK (length(btrim("name")) BETWEEN 1 AND 100)
);

-- Names are unique, ignoring case: a picker lists them by name.
CREATE UNIQUE INDEX "credentials_name_key" ON "credentials"(lower("name"));
-- The rotation command finds rows sealed with an older key.
CREATE INDEX "credentials_key_id_idx" ON "credentials"("key_id");

ALTER TABLE "credentials" ADD CONSTRAINT "credentials_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
