/** How the job queue (graphile-worker) connects: the app's database, with async commits. */
/**
 * The job queue's own sessions commit asynchronously. Their writes are job locks and completions
 * only: one lost in a PostgreSQL crash just delivers the job again, and a redelivered job is a
 * no-op for a run that is finished or leased (the claim decides). Jobs are *added* on Patchbay's
 * own durable connections, in the same statement as their run. This spares a WAL flush per job
 * fetch and per completion batch.
 */
export function queueConnectionString(connectionString: string): string {
  const url = new URL(connectionString);
  const existing = url.searchParams.get('options');
  url.searchParams.set('options', `${existing ? `${existing} ` : ''}-c synchronous_commit=off`);
  return url.toString();
}
