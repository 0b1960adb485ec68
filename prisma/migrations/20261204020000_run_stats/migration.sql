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

-- Finished runs, given column by column, summed per flow and minute as rollup rows.
CREATE FUNCTION run_stats_deltas(flow_ids uuid[], finished_ats timestamptz[], statuses text[],
                                 durations integer[])
RETURNS TABLE (flow_id uuid, minute timestamptz, succeeded integer, failed integer,
               cancelled integer, duration_count integer, duration_sum_ms bigint,
               duration_histogram integer[])
LANGUAGE sql STABLE AS $$
  WITH finished AS (
    SELECT f.flow_id, date_trunc('minute', f.finished_at) AS minute, f.status, f.duration_ms
      FROM unnest(flow_ids, finished_ats, statuses, durations)
           AS f(flow_id, finished_at, status, duration_ms)
  ), per_bucket AS (
    SELECT flow_id, minute, run_stats_duration_bucket(duration_ms) AS bucket, count(*)::int AS n
      FROM finished WHERE duration_ms IS NOT NULL
     GROUP BY 1, 2, 3
  ), histograms AS (
    SELECT k.flow_id, k.minute, array_agg(COALESCE(p.n, 0) ORDER BY b.i) AS histogram
      FROM (SELECT DISTINCT flow_id, minute FROM finished) k
      CROSS JOIN generate_series(0, 107) AS b(i)
      LEFT JOIN per_bucket p ON p.flow_id = k.flow_id AND p.minute = k.minute AND p.bucket = b.i
     GROUP BY 1, 2
  )
  SELECT f.flow_id, f.minute,
         count(*) FILTER (WHERE f.status = 'succeeded')::int,
         count(*) FILTER (WHERE f.status = 'failed')::int,
         count(*) FILTER (WHERE f.status = 'cancelled')::int,
         count(f.duration_ms)::int, COALESCE(sum(f.duration_ms), 0)::bigint, h.histogram
    FROM finished f JOIN histograms h USING (flow_id, minute)
   GROUP BY f.flow_id, f.minute, h.histogram
$$;

-- Adds (sign 1) or removes (sign -1) finished runs to or from the rollups. Adding upserts rows in
-- key order: concurrent finishes lock rollup rows in the same order, so they cannot deadlock.
-- Removing only updates rows (a purged flow's are gone already) and drops the ones left empty.
CREATE FUNCTION run_stats_apply(sign integer, flow_ids uuid[], finished_ats timestamptz[],
                                statuses text[], durations integer[], codes text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF sign > 0 THEN
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
  ELSE
    UPDATE run_stats_minute s
       SET succeeded = s.succeeded - d.succeeded,
           failed = s.failed - d.failed,
           cancelled = s.cancelled - d.cancelled,
           duration_count = s.duration_count - d.duration_count,
           duration_sum_ms = s.duration_sum_ms - d.duration_sum_ms,
           duration_histogram = ARRAY(
             SELECT a - b FROM unnest(s.duration_histogram, d.duration_histogram) AS u(a, b))
      FROM run_stats_deltas(flow_ids, finished_ats, statuses, durations) d
     WHERE s.flow_id = d.flow_id AND s.minute = d.minute;
    DELETE FROM run_stats_minute s
     USING (SELECT DISTINCT f.flow_id, date_trunc('minute', f.finished_at) AS minute
              FROM unnest(flow_ids, finished_ats) AS f(flow_id, finished_at)) d
     WHERE s.flow_id = d.flow_id AND s.minute = d.minute
       AND s.succeeded = 0 AND s.failed = 0 AND s.cancelled = 0;

    -- last_at stays: the latest remaining failure is not known without reading runs.
    UPDATE run_error_stats_minute e SET count = e.count - d.n
      FROM (SELECT f.flow_id, date_trunc('minute', f.finished_at) AS minute, f.code, count(*)::int AS n
              FROM unnest(flow_ids, finished_ats, codes) AS f(flow_id, finished_at, code)
             WHERE f.code IS NOT NULL GROUP BY 1, 2, 3) d
     WHERE e.flow_id = d.flow_id AND e.minute = d.minute AND e.code = d.code;
    DELETE FROM run_error_stats_minute e
     USING (SELECT DISTINCT f.flow_id, date_trunc('minute', f.finished_at) AS minute
              FROM unnest(flow_ids, finished_ats) AS f(flow_id, finished_at)) d
     WHERE e.flow_id = d.flow_id AND e.minute = d.minute AND e.count <= 0;
  END IF;
END;
$$;

-- Statement-level triggers with transition tables see every run a statement finished (a group
-- commit finishes many at once), inserted already finished, or deleted, and apply them inside
-- that statement: a rollup never counts a finish that rolled back, or misses one, whatever path
-- wrote it. Finished runs are not changed afterwards (a retry is a new run).
CREATE FUNCTION run_stats_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  f record;
BEGIN
  -- Most updates of runs (claims, lease renewals, parking) finish nothing: leave at once.
  IF NOT EXISTS (SELECT 1 FROM new_runs WHERE status IN ('succeeded', 'failed', 'cancelled')) THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(n.flow_id) AS flow_ids, array_agg(n.finished_at) AS finished_ats,
         array_agg(n.status) AS statuses, array_agg(n.duration_ms) AS durations,
         array_agg(CASE WHEN n.status = 'failed' THEN COALESCE(n.error ->> 'code', 'UNKNOWN') END) AS codes
    INTO f
    FROM new_runs n JOIN old_runs o ON o.id = n.id
   WHERE n.status IN ('succeeded', 'failed', 'cancelled')
     AND o.status NOT IN ('succeeded', 'failed', 'cancelled')
     AND n.finished_at IS NOT NULL;
  IF f.flow_ids IS NOT NULL THEN
    PERFORM run_stats_apply(1, f.flow_ids, f.finished_ats, f.statuses, f.durations, f.codes);
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION run_stats_on_insert_or_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  f record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- New runs are queued or running (the intake), unless seeded or imported already finished.
    IF NOT EXISTS (SELECT 1 FROM changed_runs WHERE status IN ('succeeded', 'failed', 'cancelled')) THEN
      RETURN NULL;
    END IF;
  END IF;
  SELECT array_agg(c.flow_id) AS flow_ids, array_agg(c.finished_at) AS finished_ats,
         array_agg(c.status) AS statuses, array_agg(c.duration_ms) AS durations,
         array_agg(CASE WHEN c.status = 'failed' THEN COALESCE(c.error ->> 'code', 'UNKNOWN') END) AS codes
    INTO f
    FROM changed_runs c
   WHERE c.status IN ('succeeded', 'failed', 'cancelled') AND c.finished_at IS NOT NULL;
  IF f.flow_ids IS NOT NULL THEN
    PERFORM run_stats_apply(CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END,
                            f.flow_ids, f.finished_ats, f.statuses, f.durations, f.codes);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER runs_stats_on_finish
  AFTER UPDATE ON runs
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_stats_on_update();

CREATE TRIGGER runs_stats_on_insert
  AFTER INSERT ON runs
  REFERENCING NEW TABLE AS changed_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_stats_on_insert_or_delete();

CREATE TRIGGER runs_stats_on_delete
  AFTER DELETE ON runs
  REFERENCING OLD TABLE AS changed_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_stats_on_insert_or_delete();

-- Runs that finished before this migration.
INSERT INTO run_stats_minute (flow_id, minute, succeeded, failed, cancelled, duration_count,
                              duration_sum_ms, duration_histogram)
SELECT d.*
  FROM (SELECT array_agg(flow_id) AS flow_ids, array_agg(finished_at) AS finished_ats,
               array_agg(status) AS statuses, array_agg(duration_ms) AS durations
          FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at IS NOT NULL) r,
       run_stats_deltas(r.flow_ids, r.finished_ats, r.statuses, r.durations) d
 WHERE r.flow_ids IS NOT NULL;

INSERT INTO run_error_stats_minute (flow_id, minute, code, count, last_at)
SELECT flow_id, date_trunc('minute', finished_at), COALESCE(error ->> 'code', 'UNKNOWN'),
       count(*)::int, max(finished_at)
  FROM runs WHERE status = 'failed' AND finished_at IS NOT NULL
 GROUP BY 1, 2, 3;
