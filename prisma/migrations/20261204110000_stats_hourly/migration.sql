-- Hourly compaction of the per-minute rollups ("rollup of rollups"). Minute rows older than a
-- recent window are moved into hour rows by stats_compact (run every few minutes by a worker
-- process), so a dashboard range of days reads hours, not ~10k minutes per flow and node. At any
-- moment every finished run and step is counted exactly once in minute rows and hour rows
-- together: stats_compact deletes minute rows and adds them to hour rows in one statement.

-- The same columns as the minute tables, in the same order, keyed by the hour (UTC) they cover.
CREATE TABLE "run_stats_hour" (
    "flow_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "duration_count" INTEGER NOT NULL DEFAULT 0,
    "duration_sum_ms" BIGINT NOT NULL DEFAULT 0,
    "duration_histogram" INTEGER[] NOT NULL,
    CONSTRAINT "run_stats_hour_pkey" PRIMARY KEY ("flow_id", "hour"),
    CONSTRAINT "run_stats_hour_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "run_stats_hour_hour_idx" ON "run_stats_hour"("hour");

CREATE TABLE "run_error_stats_hour" (
    "flow_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "code" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "run_error_stats_hour_pkey" PRIMARY KEY ("flow_id", "hour", "code"),
    CONSTRAINT "run_error_stats_hour_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "run_error_stats_hour_hour_idx" ON "run_error_stats_hour"("hour");

CREATE TABLE "step_stats_hour" (
    "flow_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
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
    "duration_low_bucket" SMALLINT,
    "duration_high_bucket" SMALLINT,
    CONSTRAINT "step_stats_hour_pkey" PRIMARY KEY ("flow_id", "hour", "node_id", "node_type"),
    CONSTRAINT "step_stats_hour_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "step_stats_hour_hour_idx" ON "step_stats_hour"("hour");

-- Element-wise sum of two histograms, and the aggregate over many (compaction). The triggers
-- add histograms inline instead: a call of this function costs several times more.
CREATE FUNCTION stats_histogram_add(a integer[], b integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT x + y FROM unnest(a, b) AS u(x, y))
$$;

CREATE AGGREGATE stats_histogram_sum(integer[]) (SFUNC = stats_histogram_add, STYPE = integer[]);

CREATE FUNCTION stats_histogram_is_zero(h integer[]) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT 0 = ALL (h)
$$;

-- Removing runs: minute rows may be gone into hour rows by now, so removal upserts negative
-- deltas into the minute rows (created if absent; a histogram element may be negative until the
-- row is compacted into its hour) and drops the rows that came to nothing. A purged flow's rows
-- are gone already (their foreign key) and must not come back: its runs are skipped.
CREATE OR REPLACE FUNCTION run_stats_apply(sign integer, flow_ids uuid[], finished_ats timestamptz[],
                                           statuses text[], durations integer[], codes text[])
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF sign > 0 THEN
    -- Unchanged: the finish path stays as cheap as it was.
    INSERT INTO run_stats_minute AS s (flow_id, minute, succeeded, failed, cancelled,
                                       duration_count, duration_sum_ms, duration_histogram)
    SELECT * FROM run_stats_deltas(flow_ids, finished_ats, statuses, durations) d
     ORDER BY d.flow_id, d.minute
    ON CONFLICT (flow_id, minute) DO UPDATE
       SET succeeded = s.succeeded + EXCLUDED.succeeded,
           failed = s.failed + EXCLUDED.failed,
           cancelled = s.cancelled + EXCLUDED.cancelled,
           duration_count = s.duration_count + EXCLUDED.duration_count,
           duration_sum_ms = s.duration_sum_ms + EXCLUDED.duration_sum_ms,
           duration_histogram = ARRAY(
             SELECT a + b FROM unnest(s.duration_histogram, EXCLUDED.duration_histogram) AS u(a, b));

    INSERT INTO run_error_stats_minute AS e (flow_id, minute, code, count, last_at)
    SELECT f.flow_id, date_trunc('minute', f.finished_at), f.code, count(*)::int, max(f.finished_at)
      FROM unnest(flow_ids, finished_ats, codes) AS f(flow_id, finished_at, code)
     WHERE f.code IS NOT NULL
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
    ON CONFLICT (flow_id, minute, code) DO UPDATE
       SET count = e.count + EXCLUDED.count, last_at = GREATEST(e.last_at, EXCLUDED.last_at);
    RETURN;
  END IF;

  INSERT INTO run_stats_minute AS s (flow_id, minute, succeeded, failed, cancelled,
                                     duration_count, duration_sum_ms, duration_histogram)
  SELECT d.flow_id, d.minute, -d.succeeded, -d.failed, -d.cancelled, -d.duration_count,
         -d.duration_sum_ms, ARRAY(SELECT -x FROM unnest(d.duration_histogram) AS u(x))
    FROM run_stats_deltas(flow_ids, finished_ats, statuses, durations) d
   WHERE EXISTS (SELECT 1 FROM flows f WHERE f.id = d.flow_id)
   ORDER BY d.flow_id, d.minute
  ON CONFLICT (flow_id, minute) DO UPDATE
     SET succeeded = s.succeeded + EXCLUDED.succeeded,
         failed = s.failed + EXCLUDED.failed,
         cancelled = s.cancelled + EXCLUDED.cancelled,
         duration_count = s.duration_count + EXCLUDED.duration_count,
         duration_sum_ms = s.duration_sum_ms + EXCLUDED.duration_sum_ms,
         duration_histogram = ARRAY(
           SELECT a + b FROM unnest(s.duration_histogram, EXCLUDED.duration_histogram) AS u(a, b));

  -- last_at of a removal: the removed failure's (the latest remaining failure is not known
  -- without reading runs), so last_at is the latest failure ever counted in the row.
  INSERT INTO run_error_stats_minute AS e (flow_id, minute, code, count, last_at)
  SELECT f.flow_id, date_trunc('minute', f.finished_at), f.code, -count(*)::int, max(f.finished_at)
    FROM unnest(flow_ids, finished_ats, codes) AS f(flow_id, finished_at, code)
   WHERE f.code IS NOT NULL AND EXISTS (SELECT 1 FROM flows x WHERE x.id = f.flow_id)
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (flow_id, minute, code) DO UPDATE
     SET count = e.count + EXCLUDED.count, last_at = GREATEST(e.last_at, EXCLUDED.last_at);

  DELETE FROM run_stats_minute s
   USING (SELECT DISTINCT f.flow_id, date_trunc('minute', f.finished_at) AS minute
            FROM unnest(flow_ids, finished_ats) AS f(flow_id, finished_at)) d
   WHERE s.flow_id = d.flow_id AND s.minute = d.minute
     AND s.succeeded = 0 AND s.failed = 0 AND s.cancelled = 0 AND s.duration_count = 0
     AND s.duration_sum_ms = 0 AND stats_histogram_is_zero(s.duration_histogram);
  DELETE FROM run_error_stats_minute e
   USING (SELECT DISTINCT f.flow_id, date_trunc('minute', f.finished_at) AS minute
            FROM unnest(flow_ids, finished_ats) AS f(flow_id, finished_at)) d
   WHERE e.flow_id = d.flow_id AND e.minute = d.minute AND e.count = 0;
END;
$$;

-- As before for adding steps; a key that only loses steps now upserts its negative delta too
-- (see run_stats_apply), with histogram bounds covering the removed durations, so that the
-- bucket slice read by queries includes them.
CREATE OR REPLACE FUNCTION step_stats_apply(items step_stats_item[]) RETURNS void
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
           bool_or(i.sign < 0) AS subtracts,
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
    IF NOT k.adds AND NOT EXISTS (SELECT 1 FROM flows f WHERE f.id = k.flow_id) THEN
      CONTINUE;
    END IF;
    IF k.subtracts THEN
      removes := true;
    END IF;
    histogram := array_fill(0, ARRAY[108]);
    low := NULL;
    high := NULL;
    FOR j IN 1 .. COALESCE(array_length(k.buckets, 1), 0) LOOP
      bucket := k.buckets[j];
      histogram[bucket + 1] := histogram[bucket + 1] + k.signs[j];
      low := LEAST(low, bucket);
      high := GREATEST(high, bucket);
    END LOOP;
    -- The one bucket every duration of this key fell in, if so (null: none, or several): then
    -- only that element is updated, not the whole 108-element array.
    bucket := CASE WHEN k.buckets IS NOT NULL
                    AND k.buckets[1] = ALL (k.buckets) THEN k.buckets[1] END;
    IF bucket IS NOT NULL OR k.buckets IS NULL THEN
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
             -- A removal widens the bounds at most: still bounds.
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
     AND s.node_type = d.node_type AND s.succeeded = 0 AND s.failed = 0 AND s.retries = 0
     AND s.breaker_waits = 0 AND s.breaker_wait_ms = 0 AND s.rate_limit_waits = 0
     AND s.rate_limit_wait_ms = 0 AND s.duration_count = 0 AND s.duration_sum_ms = 0
     AND stats_histogram_is_zero(s.duration_histogram);
END;
$$;

-- Moves up to `batch` minute rows of each rollup from before `older_than` into their hour rows,
-- one statement per rollup: the moved rows are deleted and added to their hours together. Rows
-- being written (locked) are skipped for a later pass. Hour rows that came to nothing (every
-- run of the hour removed) are dropped. Returns the minute rows moved; callers repeat until 0.
CREATE FUNCTION stats_compact(older_than timestamptz, batch integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  moved_runs integer;
  moved_errors integer;
  moved_steps integer;
  empty_flows uuid[];
  empty_hours timestamptz[];
  empty_codes text[];
  empty_nodes text[];
  empty_types text[];
BEGIN
  WITH moved AS (
    DELETE FROM run_stats_minute s
     WHERE (s.flow_id, s.minute) IN (
       SELECT flow_id, minute FROM run_stats_minute WHERE minute < older_than
        ORDER BY minute LIMIT batch FOR UPDATE SKIP LOCKED)
    RETURNING s.*
  ), merged AS (
    INSERT INTO run_stats_hour AS h (flow_id, hour, succeeded, failed, cancelled, duration_count,
                                     duration_sum_ms, duration_histogram)
    SELECT flow_id, date_bin('1 hour', minute, 'epoch'), sum(succeeded), sum(failed),
           sum(cancelled), sum(duration_count), sum(duration_sum_ms),
           stats_histogram_sum(duration_histogram)
      FROM moved GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (flow_id, hour) DO UPDATE
       SET succeeded = h.succeeded + EXCLUDED.succeeded,
           failed = h.failed + EXCLUDED.failed,
           cancelled = h.cancelled + EXCLUDED.cancelled,
           duration_count = h.duration_count + EXCLUDED.duration_count,
           duration_sum_ms = h.duration_sum_ms + EXCLUDED.duration_sum_ms,
           duration_histogram = stats_histogram_add(h.duration_histogram, EXCLUDED.duration_histogram)
    RETURNING h.flow_id, h.hour, (h.succeeded = 0 AND h.failed = 0 AND h.cancelled = 0
                                  AND h.duration_count = 0 AND h.duration_sum_ms = 0
                                  AND stats_histogram_is_zero(h.duration_histogram)) AS empty
  )
  SELECT (SELECT count(*) FROM moved), (SELECT array_agg(flow_id) FROM merged WHERE empty),
         (SELECT array_agg(hour) FROM merged WHERE empty)
    INTO moved_runs, empty_flows, empty_hours;
  -- Hours whose every run was removed (removals merged in): nothing left to show.
  DELETE FROM run_stats_hour h USING unnest(empty_flows, empty_hours) AS e(flow_id, hour)
   WHERE h.flow_id = e.flow_id AND h.hour = e.hour;

  WITH moved AS (
    DELETE FROM run_error_stats_minute s
     WHERE (s.flow_id, s.minute, s.code) IN (
       SELECT flow_id, minute, code FROM run_error_stats_minute WHERE minute < older_than
        ORDER BY minute LIMIT batch FOR UPDATE SKIP LOCKED)
    RETURNING s.*
  ), merged AS (
    INSERT INTO run_error_stats_hour AS h (flow_id, hour, code, count, last_at)
    SELECT flow_id, date_bin('1 hour', minute, 'epoch'), code, sum(count), max(last_at)
      FROM moved GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (flow_id, hour, code) DO UPDATE
       SET count = h.count + EXCLUDED.count, last_at = GREATEST(h.last_at, EXCLUDED.last_at)
    RETURNING h.flow_id, h.hour, h.code, h.count = 0 AS empty
  )
  SELECT (SELECT count(*) FROM moved), (SELECT array_agg(flow_id) FROM merged WHERE empty),
         (SELECT array_agg(hour) FROM merged WHERE empty),
         (SELECT array_agg(code) FROM merged WHERE empty)
    INTO moved_errors, empty_flows, empty_hours, empty_codes;
  DELETE FROM run_error_stats_hour h
   USING unnest(empty_flows, empty_hours, empty_codes) AS e(flow_id, hour, code)
   WHERE h.flow_id = e.flow_id AND h.hour = e.hour AND h.code = e.code;

  WITH moved AS (
    DELETE FROM step_stats_minute s
     WHERE (s.flow_id, s.minute, s.node_id, s.node_type) IN (
       SELECT flow_id, minute, node_id, node_type FROM step_stats_minute
        WHERE minute < older_than
        ORDER BY minute LIMIT batch FOR UPDATE SKIP LOCKED)
    RETURNING s.*
  ), merged AS (
    INSERT INTO step_stats_hour AS h (flow_id, hour, node_id, node_type, succeeded, failed,
                                      retries, breaker_waits, breaker_wait_ms, rate_limit_waits,
                                      rate_limit_wait_ms, duration_count, duration_sum_ms,
                                      duration_histogram, duration_low_bucket,
                                      duration_high_bucket)
    SELECT flow_id, date_bin('1 hour', minute, 'epoch'), node_id, node_type, sum(succeeded),
           sum(failed), sum(retries), sum(breaker_waits), sum(breaker_wait_ms),
           sum(rate_limit_waits), sum(rate_limit_wait_ms), sum(duration_count),
           sum(duration_sum_ms), stats_histogram_sum(duration_histogram),
           min(duration_low_bucket), max(duration_high_bucket)
      FROM moved GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (flow_id, hour, node_id, node_type) DO UPDATE
       SET succeeded = h.succeeded + EXCLUDED.succeeded,
           failed = h.failed + EXCLUDED.failed,
           retries = h.retries + EXCLUDED.retries,
           breaker_waits = h.breaker_waits + EXCLUDED.breaker_waits,
           breaker_wait_ms = h.breaker_wait_ms + EXCLUDED.breaker_wait_ms,
           rate_limit_waits = h.rate_limit_waits + EXCLUDED.rate_limit_waits,
           rate_limit_wait_ms = h.rate_limit_wait_ms + EXCLUDED.rate_limit_wait_ms,
           duration_count = h.duration_count + EXCLUDED.duration_count,
           duration_sum_ms = h.duration_sum_ms + EXCLUDED.duration_sum_ms,
           duration_histogram = stats_histogram_add(h.duration_histogram, EXCLUDED.duration_histogram),
           duration_low_bucket = LEAST(h.duration_low_bucket, EXCLUDED.duration_low_bucket),
           duration_high_bucket = GREATEST(h.duration_high_bucket, EXCLUDED.duration_high_bucket)
    RETURNING h.flow_id, h.hour, h.node_id, h.node_type,
              (h.succeeded = 0 AND h.failed = 0 AND h.retries = 0 AND h.breaker_waits = 0
               AND h.breaker_wait_ms = 0 AND h.rate_limit_waits = 0 AND h.rate_limit_wait_ms = 0
               AND h.duration_count = 0 AND h.duration_sum_ms = 0
               AND stats_histogram_is_zero(h.duration_histogram)) AS empty
  )
  SELECT (SELECT count(*) FROM moved), (SELECT array_agg(flow_id) FROM merged WHERE empty),
         (SELECT array_agg(hour) FROM merged WHERE empty),
         (SELECT array_agg(node_id) FROM merged WHERE empty),
         (SELECT array_agg(node_type) FROM merged WHERE empty)
    INTO moved_steps, empty_flows, empty_hours, empty_nodes, empty_types;
  DELETE FROM step_stats_hour h
   USING unnest(empty_flows, empty_hours, empty_nodes, empty_types) AS e(flow_id, hour, node_id, node_type)
   WHERE h.flow_id = e.flow_id AND h.hour = e.hour AND h.node_id = e.node_id
     AND h.node_type = e.node_type;

  RETURN moved_runs + moved_errors + moved_steps;
END;
$$;
