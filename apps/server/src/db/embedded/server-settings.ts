/**
 * The embedded PostgreSQL's settings beyond its defaults, given with `-c` at every start so that a
 * cluster made by an earlier version gets them too.
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
  };
}
