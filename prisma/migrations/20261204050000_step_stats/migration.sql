-- Per-minute rollups of finished step attempts per flow node, and which workers were alive in
-- each minute, so the dashboard's node, retry and wait figures read rollups, never step_runs.
--
-- What one step row contributes (a pure function of the row and its run's flow; rows copied by a
-- retry from its source run, reused_from_run_id set, contribute nothing: they are counted once,
-- in the run that executed them):
--   * only finished attempts count: status succeeded or failed, with finished_at (its minute);
--   * retries: attempts numbered above 1 (each is a retry of the node, whatever the previous
--     attempt's fate: failed and retried, or lost with a worker);
--   * breaker waits: a failed attempt retried because the target's breaker was open
--     (wait_reason circuit_open on the failed row): one wait of retry_delay_ms;
--   * rate-limit waits: an attempt parked for a rate-limit token (waiting_since, carried onto the
--     finished row) waited from waiting_since until it started again (started_at); a failed
--     attempt the upstream throttled (HTTP 429, wait_reason throttled) and that is retried waits
--     retry_delay_ms. Waits of at most the inline wait (PATCHBAY's inlineWaitMaxMs) happen inside
--     the attempt and are part of its duration, not counted here;
--   * the duration histogram of duration_ms, as run_stats_minute's (run_stats_duration_bucket).
CREATE TABLE "step_stats_minute" (
    "flow_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "node_id" TEXT NOT NULL,
    "node_type" TEXT NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "breaker_waits" INTEGER NOT NULL DEFAULT 0,
    "breaker_wait_ms" BIGINT NOT NULL DEFAULT 0,
    "rate_limit_waits" INTEGER NOT NULL DEFAULT 0,
    "rate_limit_wait_ms" BIGINT NOT NULL DEFAULT 0,
    "duration_count" INTEGER NOT NULL DEFAULT 0,
    "duration_sum_ms" BIGINT NOT NULL DEFAULT 0,
    "duration_histogram" INTEGER[] NOT NULL,
    -- The lowest and highest histogram bucket (0-based) a duration ever fell in (null: none). Only
    -- that slice is read when histograms are summed: a node's durations span a few buckets of 108.
    "duration_low_bucket" SMALLINT,
    "duration_high_bucket" SMALLINT,
    CONSTRAINT "step_stats_minute_pkey" PRIMARY KEY ("flow_id", "minute", "node_id", "node_type"),
    CONSTRAINT "step_stats_minute_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "step_stats_minute_minute_idx" ON "step_stats_minute"("minute");

-- One row per worker process per minute it was alive, upserted by its heartbeat.
CREATE TABLE "worker_presence_minute" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "worker_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    CONSTRAINT "worker_presence_minute_pkey" PRIMARY KEY ("minute", "worker_id")
);

-- One step row's contribution, signed: 1 to add it, -1 to remove it.
CREATE TYPE step_stats_item AS (
    sign integer, flow_id uuid, minute timestamptz, node_id text, node_type text,
    succeeded integer, failed integer, retries integer,
    breaker_waits integer, breaker_wait_ms bigint,
    rate_limit_waits integer, rate_limit_wait_ms bigint, duration_ms integer
);

-- The contribution of a finished attempt (the caller checks that it counts: step_stats_counts).
CREATE FUNCTION step_stats_item_of(sign integer, flow_id uuid, node_id text, node_type text,
                                   status text, attempt integer, finished_at timestamptz,
                                   duration_ms integer, retry_delay_ms integer, wait_reason text,
                                   started_at timestamptz, waiting_since timestamptz)
RETURNS step_stats_item
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ROW(
    sign, flow_id, date_trunc('minute', finished_at), node_id, node_type,
    (status = 'succeeded')::int, (status = 'failed')::int, (attempt > 1)::int,
    (status = 'failed' AND retry_delay_ms IS NOT NULL AND wait_reason = 'circuit_open')::int,
    CASE WHEN status = 'failed' AND wait_reason = 'circuit_open'
         THEN COALESCE(retry_delay_ms, 0) ELSE 0 END,
    (waiting_since IS NOT NULL AND started_at IS NOT NULL)::int
      + (status = 'failed' AND retry_delay_ms IS NOT NULL AND wait_reason = 'throttled')::int,
    CASE WHEN waiting_since IS NOT NULL AND started_at IS NOT NULL
         THEN GREATEST(0, floor(extract(epoch FROM started_at - waiting_since) * 1000))::bigint
         ELSE 0 END
      + CASE WHEN status = 'failed' AND wait_reason = 'throttled'
             THEN COALESCE(retry_delay_ms, 0) ELSE 0 END,
    duration_ms)::step_stats_item
$$;

-- Applies the signed items, one rollup row (key) at a time in key order (concurrent writers lock
-- rollup rows in the same order, so they cannot deadlock). A key that gains a step is upserted; a
-- key that only loses steps is only updated (a purged flow's rows are gone already and must not
-- come back), and dropped once empty. This runs in the statement that finishes steps, so the
-- common case is cheap: a key whose durations all fall in one histogram bucket (one step, or
-- several alike) updates that one element, not the whole 108-element array.
CREATE FUNCTION step_stats_apply(items step_stats_item[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k record;
  histogram integer[];
  low smallint;
  high smallint;
  bucket integer;
  removes boolean := false;
BEGIN
  FOR k IN
    SELECT i.flow_id, i.minute, i.node_id, i.node_type, bool_or(i.sign > 0) AS adds,
           sum(i.sign * i.succeeded)::int AS succeeded, sum(i.sign * i.failed)::int AS failed,
           sum(i.sign * i.retries)::int AS retries,
           sum(i.sign * i.breaker_waits)::int AS breaker_waits,
           sum(i.sign * i.breaker_wait_ms)::bigint AS breaker_wait_ms,
           sum(i.sign * i.rate_limit_waits)::int AS rate_limit_waits,
           sum(i.sign * i.rate_limit_wait_ms)::bigint AS rate_limit_wait_ms,
           COALESCE(sum(i.sign) FILTER (WHERE i.duration_ms IS NOT NULL), 0)::int AS duration_count,
           COALESCE(sum(i.sign::bigint * i.duration_ms), 0)::bigint AS duration_sum_ms,
           array_agg(run_stats_duration_bucket(i.duration_ms)) FILTER (WHERE i.duration_ms IS NOT NULL)
             AS buckets,
           array_agg(i.sign) FILTER (WHERE i.duration_ms IS NOT NULL) AS signs
      FROM unnest(items) AS i
     GROUP BY 1, 2, 3, 4
     ORDER BY 1, 2, 3, 4
  LOOP
    histogram := array_fill(0, ARRAY[108]);
    low := NULL;
    high := NULL;
    FOR j IN 1 .. COALESCE(array_length(k.buckets, 1), 0) LOOP
      bucket := k.buckets[j];
      histogram[bucket + 1] := histogram[bucket + 1] + k.signs[j];
      IF k.signs[j] > 0 THEN
        low := LEAST(low, bucket);
        high := GREATEST(high, bucket);
      END IF;
    END LOOP;
    -- The one bucket every duration of this key fell in, if so (null: none, or several).
    bucket := CASE WHEN k.buckets IS NOT NULL
                    AND k.buckets[1] = ALL (k.buckets) THEN k.buckets[1] END;
    IF NOT k.adds THEN
      removes := true;
      UPDATE step_stats_minute s
         SET succeeded = s.succeeded + k.succeeded,
             failed = s.failed + k.failed,
             retries = s.retries + k.retries,
             breaker_waits = s.breaker_waits + k.breaker_waits,
             breaker_wait_ms = s.breaker_wait_ms + k.breaker_wait_ms,
             rate_limit_waits = s.rate_limit_waits + k.rate_limit_waits,
             rate_limit_wait_ms = s.rate_limit_wait_ms + k.rate_limit_wait_ms,
             duration_count = s.duration_count + k.duration_count,
             duration_sum_ms = s.duration_sum_ms + k.duration_sum_ms,
             duration_histogram = ARRAY(
               SELECT a + b FROM unnest(s.duration_histogram, histogram) AS u(a, b))
       WHERE s.flow_id = k.flow_id AND s.minute = k.minute AND s.node_id = k.node_id
         AND s.node_type = k.node_type;
    ELSIF bucket IS NOT NULL OR k.buckets IS NULL THEN
      bucket := COALESCE(bucket, 0);
      INSERT INTO step_stats_minute AS s (flow_id, minute, node_id, node_type, succeeded, failed,
                                          retries, breaker_waits, breaker_wait_ms,
                                          rate_limit_waits, rate_limit_wait_ms, duration_count,
                                          duration_sum_ms, duration_histogram,
                                          duration_low_bucket, duration_high_bucket)
      VALUES (k.flow_id, k.minute, k.node_id, k.node_type, k.succeeded, k.failed, k.retries,
              k.breaker_waits, k.breaker_wait_ms, k.rate_limit_waits, k.rate_limit_wait_ms,
              k.duration_count, k.duration_sum_ms, histogram, low, high)
      ON CONFLICT (flow_id, minute, node_id, node_type) DO UPDATE
         SET succeeded = s.succeeded + EXCLUDED.succeeded,
             failed = s.failed + EXCLUDED.failed,
             retries = s.retries + EXCLUDED.retries,
             breaker_waits = s.breaker_waits + EXCLUDED.breaker_waits,
             breaker_wait_ms = s.breaker_wait_ms + EXCLUDED.breaker_wait_ms,
             rate_limit_waits = s.rate_limit_waits + EXCLUDED.rate_limit_waits,
             rate_limit_wait_ms = s.rate_limit_wait_ms + EXCLUDED.rate_limit_wait_ms,
             duration_count = s.duration_count + EXCLUDED.duration_count,
             duration_sum_ms = s.duration_sum_ms + EXCLUDED.duration_sum_ms,
             duration_histogram[bucket + 1] =
               s.duration_histogram[bucket + 1] + EXCLUDED.duration_histogram[bucket + 1],
             -- A removal leaves the bounds as they were: still bounds, if looser ones.
             duration_low_bucket = LEAST(s.duration_low_bucket, EXCLUDED.duration_low_bucket),
             duration_high_bucket = GREATEST(s.duration_high_bucket, EXCLUDED.duration_high_bucket);
    ELSE
      INSERT INTO step_stats_minute AS s (flow_id, minute, node_id, node_type, succeeded, failed,
                                          retries, breaker_waits, breaker_wait_ms,
                                          rate_limit_waits, rate_limit_wait_ms, duration_count,
                                          duration_sum_ms, duration_histogram,
                                          duration_low_bucket, duration_high_bucket)
      VALUES (k.flow_id, k.minute, k.node_id, k.node_type, k.succeeded, k.failed, k.retries,
              k.breaker_waits, k.breaker_wait_ms, k.rate_limit_waits, k.rate_limit_wait_ms,
              k.duration_count, k.duration_sum_ms, histogram, low, high)
      ON CONFLICT (flow_id, minute, node_id, node_type) DO UPDATE
         SET succeeded = s.succeeded + EXCLUDED.succeeded,
             failed = s.failed + EXCLUDED.failed,
             retries = s.retries + EXCLUDED.retries,
             breaker_waits = s.breaker_waits + EXCLUDED.breaker_waits,
             breaker_wait_ms = s.breaker_wait_ms + EXCLUDED.breaker_wait_ms,
             rate_limit_waits = s.rate_limit_waits + EXCLUDED.rate_limit_waits,
             rate_limit_wait_ms = s.rate_limit_wait_ms + EXCLUDED.rate_limit_wait_ms,
             duration_count = s.duration_count + EXCLUDED.duration_count,
             duration_sum_ms = s.duration_sum_ms + EXCLUDED.duration_sum_ms,
             duration_histogram = ARRAY(
               SELECT a + b FROM unnest(s.duration_histogram, EXCLUDED.duration_histogram) AS u(a, b)),
             duration_low_bucket = LEAST(s.duration_low_bucket, EXCLUDED.duration_low_bucket),
             duration_high_bucket = GREATEST(s.duration_high_bucket, EXCLUDED.duration_high_bucket);
    END IF;
  END LOOP;
  IF NOT removes THEN
    RETURN;
  END IF;
  DELETE FROM step_stats_minute s
   USING (SELECT DISTINCT i.flow_id, i.minute, i.node_id, i.node_type FROM unnest(items) AS i) d
   WHERE s.flow_id = d.flow_id AND s.minute = d.minute AND s.node_id = d.node_id
     AND s.node_type = d.node_type AND s.succeeded = 0 AND s.failed = 0;
END;
$$;

-- Statement-level triggers with transition tables, as for runs: a statement that finishes steps
-- (the worker's upserts, the run's final statement) adds them, a deletion removes them, and an
-- update of a counted row (a pure step run again after a crash, step data pruned) swaps its old
-- contribution for its new one. Most statements write started or waiting rows: they leave at once.
CREATE FUNCTION step_stats_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  items step_stats_item[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_steps WHERE status IN ('succeeded', 'failed')) THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(step_stats_item_of(1, r.flow_id, n.node_id, n.node_type, n.status, n.attempt,
                                      n.finished_at, n.duration_ms, n.retry_delay_ms,
                                      n.wait_reason, n.started_at, n.waiting_since))
    INTO items
    FROM new_steps n JOIN runs r ON r.id = n.run_id
   WHERE n.status IN ('succeeded', 'failed') AND n.finished_at IS NOT NULL
     AND n.reused_from_run_id IS NULL;
  IF items IS NOT NULL THEN
    PERFORM step_stats_apply(items);
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION step_stats_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  items step_stats_item[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_steps WHERE status IN ('succeeded', 'failed'))
     AND NOT EXISTS (SELECT 1 FROM old_steps WHERE status IN ('succeeded', 'failed')) THEN
    RETURN NULL;
  END IF;
  WITH changed AS (
    SELECT o.*, n.node_type AS n_node_type, n.status AS n_status, n.attempt AS n_attempt,
           n.finished_at AS n_finished_at, n.duration_ms AS n_duration_ms,
           n.retry_delay_ms AS n_retry_delay_ms, n.wait_reason AS n_wait_reason,
           n.started_at AS n_started_at, n.waiting_since AS n_waiting_since,
           n.reused_from_run_id AS n_reused_from_run_id,
           (o.status IN ('succeeded', 'failed') AND o.finished_at IS NOT NULL
            AND o.reused_from_run_id IS NULL) AS old_counts,
           (n.status IN ('succeeded', 'failed') AND n.finished_at IS NOT NULL
            AND n.reused_from_run_id IS NULL) AS new_counts
      FROM old_steps o JOIN new_steps n ON n.id = o.id
     WHERE (o.node_type, o.status, o.attempt, o.finished_at, o.duration_ms, o.retry_delay_ms,
            o.wait_reason, o.started_at, o.waiting_since, o.reused_from_run_id)
           IS DISTINCT FROM
           (n.node_type, n.status, n.attempt, n.finished_at, n.duration_ms, n.retry_delay_ms,
            n.wait_reason, n.started_at, n.waiting_since, n.reused_from_run_id)
  )
  SELECT array_agg(item) INTO items
    FROM (
      SELECT step_stats_item_of(-1, r.flow_id, c.node_id, c.node_type, c.status, c.attempt,
                                c.finished_at, c.duration_ms, c.retry_delay_ms, c.wait_reason,
                                c.started_at, c.waiting_since) AS item
        FROM changed c JOIN runs r ON r.id = c.run_id WHERE c.old_counts
      UNION ALL
      SELECT step_stats_item_of(1, r.flow_id, c.node_id, c.n_node_type, c.n_status, c.n_attempt,
                                c.n_finished_at, c.n_duration_ms, c.n_retry_delay_ms,
                                c.n_wait_reason, c.n_started_at, c.n_waiting_since)
        FROM changed c JOIN runs r ON r.id = c.run_id WHERE c.new_counts
    ) x;
  IF items IS NOT NULL THEN
    PERFORM step_stats_apply(items);
  END IF;
  RETURN NULL;
END;
$$;

-- Step rows deleted on their own. Rows deleted with their run (the foreign key's cascade, e.g.
-- retention) are not seen here with a run (it is gone by then): the run's own trigger below has
-- removed them already.
CREATE FUNCTION step_stats_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  items step_stats_item[];
BEGIN
  SELECT array_agg(step_stats_item_of(-1, r.flow_id, o.node_id, o.node_type, o.status, o.attempt,
                                      o.finished_at, o.duration_ms, o.retry_delay_ms,
                                      o.wait_reason, o.started_at, o.waiting_since))
    INTO items
    FROM old_steps o JOIN runs r ON r.id = o.run_id
   WHERE o.status IN ('succeeded', 'failed') AND o.finished_at IS NOT NULL
     AND o.reused_from_run_id IS NULL;
  IF items IS NOT NULL THEN
    PERFORM step_stats_apply(items);
  END IF;
  RETURN NULL;
END;
$$;

-- Before a run is deleted, while its steps are still readable with its flow: removes them.
-- Not when the run goes with its flow (a purge): the flow's rollups go with it (their foreign
-- key), and updating them after the flow's row is gone would fail that key's check.
CREATE FUNCTION step_stats_on_run_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  items step_stats_item[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id) THEN
    RETURN OLD;
  END IF;
  SELECT array_agg(step_stats_item_of(-1, OLD.flow_id, s.node_id, s.node_type, s.status,
                                      s.attempt, s.finished_at, s.duration_ms, s.retry_delay_ms,
                                      s.wait_reason, s.started_at, s.waiting_since))
    INTO items
    FROM step_runs s
   WHERE s.run_id = OLD.id AND s.status IN ('succeeded', 'failed') AND s.finished_at IS NOT NULL
     AND s.reused_from_run_id IS NULL;
  IF items IS NOT NULL THEN
    PERFORM step_stats_apply(items);
  END IF;
  RETURN OLD;
END;
$$;

CREATE TRIGGER step_runs_stats_on_insert
  AFTER INSERT ON step_runs
  REFERENCING NEW TABLE AS new_steps
  FOR EACH STATEMENT EXECUTE FUNCTION step_stats_on_insert();

CREATE TRIGGER step_runs_stats_on_update
  AFTER UPDATE ON step_runs
  REFERENCING OLD TABLE AS old_steps NEW TABLE AS new_steps
  FOR EACH STATEMENT EXECUTE FUNCTION step_stats_on_update();

CREATE TRIGGER step_runs_stats_on_delete
  AFTER DELETE ON step_runs
  REFERENCING OLD TABLE AS old_steps
  FOR EACH STATEMENT EXECUTE FUNCTION step_stats_on_delete();

CREATE TRIGGER runs_step_stats_on_delete
  BEFORE DELETE ON runs
  FOR EACH ROW EXECUTE FUNCTION step_stats_on_run_delete();

-- Steps that finished before this migration.
SELECT step_stats_apply(items)
  FROM (SELECT array_agg(step_stats_item_of(1, r.flow_id, s.node_id, s.node_type, s.status,
                                            s.attempt, s.finished_at, s.duration_ms,
                                            s.retry_delay_ms, s.wait_reason, s.started_at,
                                            s.waiting_since)) AS items
          FROM step_runs s JOIN runs r ON r.id = s.run_id
         WHERE s.status IN ('succeeded', 'failed') AND s.finished_at IS NOT NULL
           AND s.reused_from_run_id IS NULL) x
 WHERE items IS NOT NULL;

-- stats.live: processes with a live subscriber register here (renewed while they have one); only
-- while some registration is current do run starts and finishes NOTIFY, so that nobody pays for
-- a NOTIFY per run when no dashboard is open.
CREATE TABLE "stats_live_watchers" (
    "process_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "stats_live_watchers_pkey" PRIMARY KEY ("process_id")
);

-- The payload: "<flowId>:<runs finished>" per flow the statement changed, comma-separated; past
-- 100 flows, "*:<runs finished>" (a NOTIFY payload holds less than 8000 bytes).
CREATE FUNCTION runs_live_payload(flow_ids uuid[], finished boolean[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  WITH per_flow AS (
    SELECT c.flow_id, count(*) FILTER (WHERE c.finished)::int AS n
      FROM unnest(flow_ids, finished) AS c(flow_id, finished) GROUP BY 1
  )
  SELECT CASE WHEN count(*) > 100 THEN '*:' || sum(n)
              ELSE string_agg(flow_id::text || ':' || n, ',') END
    FROM per_flow
$$;

CREATE FUNCTION runs_live_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM stats_live_watchers WHERE expires_at > now()) THEN
    RETURN NULL;
  END IF;
  SELECT runs_live_payload(array_agg(n.flow_id),
                           array_agg(n.status IN ('succeeded', 'failed', 'cancelled')))
    INTO payload FROM new_runs n;
  IF payload IS NOT NULL THEN
    PERFORM pg_notify('patchbay_runs_live', payload);
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION runs_live_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM stats_live_watchers WHERE expires_at > now()) THEN
    RETURN NULL;
  END IF;
  SELECT runs_live_payload(array_agg(n.flow_id),
                           array_agg(n.status IN ('succeeded', 'failed', 'cancelled')))
    INTO payload
    FROM new_runs n JOIN old_runs o ON o.id = n.id
   WHERE n.status IS DISTINCT FROM o.status;
  IF payload IS NOT NULL THEN
    PERFORM pg_notify('patchbay_runs_live', payload);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER runs_live_on_insert
  AFTER INSERT ON runs
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION runs_live_on_insert();

CREATE TRIGGER runs_live_on_update
  AFTER UPDATE ON runs
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION runs_live_on_update();
