-- Shared resilience state per upstream target: one circuit breaker row and one rate-limit row,
-- locked by every worker process while it decides (apps/server/src/resilience).

-- CreateTable
CREATE TABLE "circuit_breakers" (
    "target" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "window_started_at" TIMESTAMPTZ(3),
    "window_calls" INTEGER NOT NULL DEFAULT 0,
    "window_failures" INTEGER NOT NULL DEFAULT 0,
    "opened_at" TIMESTAMPTZ(3),
    "open_until" TIMESTAMPTZ(3),
    "probes_in_flight" INTEGER NOT NULL DEFAULT 0,
    "probe_successes" INTEGER NOT NULL DEFAULT 0,
    "probes_expire_at" TIMESTAMPTZ(3),
    "last_error" JSONB,
    "last_failure_at" TIMESTAMPTZ(3),
    "policy" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "circuit_breakers_pkey" PRIMARY KEY ("target"),
    CONSTRAINT "circuit_breakers_state_check" CHECK ("state" IN ('closed', 'open', 'half_open'))
);

-- CreateTable
CREATE TABLE "breaker_transitions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "target" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "breaker_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limits" (
    "target" TEXT NOT NULL,
    "tat" TIMESTAMPTZ(6),
    "throttled_until" TIMESTAMPTZ(6),
    "limit" INTEGER,
    "period_ms" INTEGER,
    "burst" INTEGER,
    "period_started_at" TIMESTAMPTZ(3),
    "period_calls" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("target")
);

-- CreateIndex
CREATE INDEX "breaker_transitions_target_at_idx" ON "breaker_transitions"("target", "at" DESC);

-- AddForeignKey
ALTER TABLE "breaker_transitions" ADD CONSTRAINT "breaker_transitions_target_fkey" FOREIGN KEY ("target") REFERENCES "circuit_breakers"("target") ON DELETE CASCADE ON UPDATE CASCADE;
