-- Per-minute rollups of finished runs, kept in step with `runs` by a trigger so dashboards read
-- rollups (cost grows with minutes x flows, not with runs) and always equal a count over runs.

-- Histogram bucket of a duration: 0 holds [0, 1) ms; bucket i >= 1 holds [2^((i-1)/4), 2^(i/4)) ms;
-- the last (107) also holds everything longer (from about 29 h). 108 buckets, 19 % wide each.
CREATE FUNCTION run_stats_duration_bucket(duration_ms integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN duration_ms < 1 THEN 0
              ELSE LEAST(107, 1 + floor(4 * log(2, duration_ms::numeric))::integer) END
$$;

CREATE TABLE "run_stats_minute" (
    "flow_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    -- Runs with a duration (a run cancelled while queued has none) and the sum of their durations.
    "duration_count" INTEGER NOT NULL DEFAULT 0,
    "duration_sum_ms" BIGINT NOT NULL DEFAULT 0,
    -- 108 counts, indexed by run_stats_duration_bucket(duration_ms) + 1.
    "duration_histogram" INTEGER[] NOT NULL,
    CONSTRAINT "run_stats_minute_pkey" PRIMARY KEY ("flow_id", "minute"),
    CONSTRAINT "run_stats_minute_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "run_stats_minute_minute_idx" ON "run_stats_minute"("minute");

CREATE TABLE "run_error_stats_minute" (
    "flow_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "code" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "run_error_stats_minute_pkey" PRIMARY KEY ("flow_id", "minute", "code"),
    CONSTRAINT "run_error_stats_minute_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "run_error_stats_minute_minute_idx" ON "run_error_stats_minute"("minute");

-- One statement-level trigger sees every run an UPDATE moved into a final status (a group commit
-- finishes many at once) and adds them in one upsert per table, in key order: concurrent
-- finishes lock rollup rows in the same order, so they cannot deadlock. It runs inside the
-- finishing statement, so a rollup never counts a run whose finish rolled back, or misses one.
CREATE FUNCTION run_stats_record_finished() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Most updates of runs (claims, lease renewals, parking) finish nothing: leave at once.
  IF NOT EXISTS (SELECT 1 FROM new_runs WHERE status IN ('succeeded', 'failed', 'cancelled')) THEN
    RETURN NULL;
  END IF;
  WITH finished AS (
    SELECT n.flow_id, date_trunc('minute', n.finished_at) AS minute, n.status, n.duration_ms,
           n.finished_at, n.error
      FROM new_runs n JOIN old_runs o ON o.id = n.id
     WHERE n.status IN ('succeeded', 'failed', 'cancelled')
       AND o.status NOT IN ('succeeded', 'failed', 'cancelled')
       AND n.finished_at IS NOT NULL
  ), per_bucket AS (
    SELECT flow_id, minute, run_stats_duration_bucket(duration_ms) AS bucket, count(*)::int AS n
      FROM finished WHERE duration_ms IS NOT NULL
     GROUP BY 1, 2, 3
  ), histograms AS (
    SELECT k.flow_id, k.minute,
           array_agg(COALESCE(p.n, 0) ORDER BY b.i) AS histogram
      FROM (SELECT DISTINCT flow_id, minute FROM finished) k
      CROSS JOIN generate_series(0, 107) AS b(i)
      LEFT JOIN per_bucket p ON p.flow_id = k.flow_id AND p.minute = k.minute AND p.bucket = b.i
     GROUP BY 1, 2
  ), totals AS (
    SELECT flow_id, minute,
           count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
           count(*) FILTER (WHERE status = 'failed')::int AS failed,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
           count(duration_ms)::int AS duration_count,
           COALESCE(sum(duration_ms), 0)::bigint AS duration_sum_ms
      FROM finished GROUP BY 1, 2
  )
  INSERT INTO run_stats_minute AS s (flow_id, minute, succeeded, failed, cancelled,
                                     duration_count, duration_sum_ms, duration_histogram)
  SELECT t.flow_id, t.minute, t.succeeded, t.failed, t.cancelled, t.duration_count,
         t.duration_sum_ms, h.histogram
    FROM totals t JOIN histograms h USING (flow_id, minute)
   ORDER BY t.flow_id, t.minute
  ON CONFLICT (flow_id, minute) DO UPDATE
     SET succeeded = s.succeeded + EXCLUDED.succeeded,
         failed = s.failed + EXCLUDED.failed,
         cancelled = s.cancelled + EXCLUDED.cancelled,
         duration_count = s.duration_count + EXCLUDED.duration_count,
         duration_sum_ms = s.duration_sum_ms + EXCLUDED.duration_sum_ms,
         duration_histogram = ARRAY(
           SELECT a + b FROM unnest(s.duration_histogram, EXCLUDED.duration_histogram) AS u(a, b));

  INSERT INTO run_error_stats_minute AS e (flow_id, minute, code, count, last_at)
  SELECT n.flow_id, date_trunc('minute', n.finished_at),
         COALESCE(n.error ->> 'code', 'UNKNOWN'), count(*)::int, max(n.finished_at)
    FROM new_runs n JOIN old_runs o ON o.id = n.id
   WHERE n.status = 'failed'
     AND o.status NOT IN ('succeeded', 'failed', 'cancelled')
     AND n.finished_at IS NOT NULL
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (flow_id, minute, code) DO UPDATE
     SET count = e.count + EXCLUDED.count, last_at = GREATEST(e.last_at, EXCLUDED.last_at);
  RETURN NULL;
END;
$$;

CREATE TRIGGER runs_stats_on_finish
  AFTER UPDATE ON runs
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_stats_record_finished();

-- Runs that finished before this migration.
WITH finished AS (
  SELECT flow_id, date_trunc('minute', finished_at) AS minute, status, duration_ms
    FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at IS NOT NULL
), per_bucket AS (
  SELECT flow_id, minute, run_stats_duration_bucket(duration_ms) AS bucket, count(*)::int AS n
    FROM finished WHERE duration_ms IS NOT NULL GROUP BY 1, 2, 3
), histograms AS (
  SELECT k.flow_id, k.minute, array_agg(COALESCE(p.n, 0) ORDER BY b.i) AS histogram
    FROM (SELECT DISTINCT flow_id, minute FROM finished) k
    CROSS JOIN generate_series(0, 107) AS b(i)
    LEFT JOIN per_bucket p ON p.flow_id = k.flow_id AND p.minute = k.minute AND p.bucket = b.i
   GROUP BY 1, 2
)
INSERT INTO run_stats_minute (flow_id, minute, succeeded, failed, cancelled, duration_count,
                              duration_sum_ms, duration_histogram)
SELECT f.flow_id, f.minute,
       count(*) FILTER (WHERE f.status = 'succeeded')::int,
       count(*) FILTER (WHERE f.status = 'failed')::int,
       count(*) FILTER (WHERE f.status = 'cancelled')::int,
       count(f.duration_ms)::int, COALESCE(sum(f.duration_ms), 0)::bigint, h.histogram
  FROM finished f JOIN histograms h USING (flow_id, minute)
 GROUP BY f.flow_id, f.minute, h.histogram;

INSERT INTO run_error_stats_minute (flow_id, minute, code, count, last_at)
SELECT flow_id, date_trunc('minute', finished_at), COALESCE(error ->> 'code', 'UNKNOWN'),
       count(*)::int, max(finished_at)
  FROM runs WHERE status = 'failed' AND finished_at IS NOT NULL
 GROUP BY 1, 2, 3;
