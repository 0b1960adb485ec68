/**
 * What this process does, from `--role=`: `all` (default) serves the API and the web app and
 * executes runs; `server` only serves (runs are executed by separate workers); `worker` only
 * executes runs, with no HTTP listener.
 */
export const PROCESS_ROLES = ['all', 'server', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export function parseProcessRole(argv: readonly string[]): ProcessRole {
  let role: ProcessRole = 'all';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let value: string | undefined;
    if (arg.startsWith('--role=')) value = arg.slice('--role='.length);
    else if (arg === '--role') value = argv[++i];
    else continue;
    if (!(PROCESS_ROLES as readonly string[]).includes(value ?? '')) {
      throw new Error(`--role must be one of ${PROCESS_ROLES.join(', ')}, got "${value ?? ''}"`);
    }
    role = value as ProcessRole;
  }
  return role;
}

export function servesHttp(role: ProcessRole): boolean {
  return role !== 'worker';
}

export function executesRuns(role: ProcessRole): boolean {
  return role !== 'server';
}

/** Which triggers the process serves: webhooks (`server`) with HTTP, schedules (`worker`) with runs. */
export function triggerHosts(role: ProcessRole): ('server' | 'worker')[] {
  return [
    ...(servesHttp(role) ? (['server'] as const) : []),
    ...(executesRuns(role) ? (['worker'] as const) : []),
  ];
}
