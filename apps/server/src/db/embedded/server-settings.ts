/**
 * The embedded PostgreSQL's settings beyond its defaults, given with `-c` at every start so that a
 * cluster made by an earlier version gets them too. Left at their defaults after measuring idle
 * memory against throughput (docs/benchmarks.md, "A lean process"): shared_buffers (128 MB,
 * touched only as data is read) and io_method (its three I/O workers hold ~7 MB, but the pipeline
 * benchmark leaned slower without them).
 */
export const DEFAULT_EMBEDDED_MAX_CONNECTIONS = 100;

export type EmbeddedServerOptions = {
  /** What the server's pools may open, with room to spare (db/connection-budget.ts). */
  maxConnections?: number;
};

export function embeddedServerSettings(
  options: EmbeddedServerOptions = {},
): Record<string, string> {
  return {
    max_connections: String(options.maxConnections ?? DEFAULT_EMBEDDED_MAX_CONNECTIONS),
    // No logical replication, so no launcher process waiting for subscriptions.
    max_logical_replication_workers: '0',
  };
}
