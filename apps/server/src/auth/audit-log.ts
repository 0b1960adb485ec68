/**
 * The audit log: who did what, to which target, when and from where. Entries are buffered for a
 * few milliseconds and written many rows per statement, so auditing a busy API (every flows.run is
 * a mutation) costs a fraction of a statement per call. `flush()` writes what is buffered; reads
 * flush first, so people see their own latest actions.
 */
import type { Clock } from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import { storableText, toJsonText } from '../db/json-column.ts';
import { InvalidRequestError } from '../domain-errors.ts';
import { isUuid } from '../uuid.ts';
import type { Principal, RequestOrigin } from './principal.ts';

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditActor = Principal | { kind: 'anonymous'; label?: string } | { kind: 'system' };

export type AuditEvent = {
  actor: AuditActor;
  /** A procedure path ("flows.update") or an auth event ("auth.login"). */
  action: string;
  target?: { type: string; id: string } | undefined;
  outcome: AuditOutcome;
  errorCode?: string | undefined;
  origin: RequestOrigin;
  details?: Record<string, unknown> | undefined;
};

export type AuditEntryView = {
  id: string;
  /** ISO 8601. */
  at: string;
  actorKind: string;
  actorId: string | null;
  actorLabel: string;
  tokenId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  errorCode: string | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
};

export type AuditListInput = {
  limit: number;
  cursor?: string | null | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
};

type Row = [
  at: Date,
  actorKind: string,
  actorId: string | null,
  actorLabel: string,
  tokenId: string | null,
  action: string,
  targetType: string | null,
  targetId: string | null,
  outcome: string,
  errorCode: string | null,
  ip: string | null,
  userAgent: string | null,
  details: string | null,
];

const COLUMNS = [
  'at',
  'actor_kind',
  'actor_id',
  'actor_label',
  'token_id',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'error_code',
  'ip',
  'user_agent',
  'details',
] as const;
const TYPES = [
  'timestamptz',
  'text',
  'uuid',
  'text',
  'uuid',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'jsonb',
] as const;

const INSERT = {
  name: 'patchbay_audit_insert',
  // jsonb[] parameters do not exist in node-postgres' encoding: details travel as text and are cast.
  text: `INSERT INTO audit_log (${COLUMNS.join(', ')})
         SELECT ${COLUMNS.map((column, i) => (TYPES[i] === 'jsonb' ? `${column}::jsonb` : column)).join(', ')}
           FROM unnest(${TYPES.map((type, i) => `$${i + 1}::${type === 'jsonb' ? 'text' : type}[]`).join(', ')})
             AS entry(${COLUMNS.join(', ')})`,
};

const FLUSH_DELAY_MS = 50;
const MAX_BATCH = 500;
/** Entries kept while the database is unreachable; older ones are dropped (and logged). */
const MAX_BUFFERED = 20_000;

export class AuditLog {
  private buffer: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: { pool: pg.Pool; clock: Clock; logger: Pick<Logger, 'error' | 'warn'> },
  ) {}

  record(event: AuditEvent): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      this.deps.logger.error({ action: event.action }, 'Audit log buffer full: dropped an entry');
    }
    this.buffer.push(toRow(event, this.deps.clock.now()));
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Writes everything buffered so far (entries recorded meanwhile go in the next batch). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writeBuffered());
    return this.flushing;
  }

  async list(
    input: AuditListInput,
  ): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    await this.flush();
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (input.actorId !== undefined) {
      if (!isUuid(input.actorId)) return { items: [], nextCursor: null };
      add((p) => `actor_id = ${p}`, input.actorId);
    }
    if (input.action !== undefined) add((p) => `action = ${p}`, input.action);
    if (input.targetId !== undefined) add((p) => `target_id = ${p}`, input.targetId);
    if (after) {
      values.push(after.at, after.id);
      const [at, id] = [`$${values.length - 1}`, `$${values.length}`];
      conditions.push(`(at < ${at} OR (at = ${at} AND id > ${id}))`);
    }
    values.push(input.limit + 1);
    const { rows } = await this.deps.pool.query<Record<string, unknown>>(
      `SELECT id, at, actor_kind, actor_id, actor_label, token_id, action, target_type, target_id,
              outcome, error_code, ip, user_agent, details
         FROM audit_log
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY at DESC, id ASC
        LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, input.limit).map(toView);
    const last = page.at(-1);
    return {
      items: page,
      nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
    };
  }

  /** Stops the timer and writes what is left (shutdown). */
  async close(): Promise<void> {
    await this.flush();
    // What could not be written (the database is gone) is not retried after shutdown.
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, MAX_BATCH);
      try {
        await this.deps.pool.query({
          ...INSERT,
          values: COLUMNS.map((_, column) => batch.map((row) => row[column])),
        });
      } catch (error) {
        // Kept for the next flush: the database may be back by then.
        this.deps.logger.warn({ err: error, entries: batch.length }, 'Could not write audit log');
        if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), 1_000);
        return;
      }
      this.buffer.splice(0, batch.length);
    }
  }
}

function toRow(event: AuditEvent, at: Date): Row {
  const { actor } = event;
  const person = actor.kind === 'session' || actor.kind === 'token' ? actor : undefined;
  const label = person
    ? person.kind === 'token'
      ? `${person.email} (token "${person.tokenName ?? ''}")`
      : person.email
    : actor.kind === 'anonymous'
      ? (actor.label ?? 'anonymous')
      : 'system';
  return [
    at,
    actor.kind === 'session' ? 'user' : actor.kind,
    person?.userId ?? null,
    label,
    person?.tokenId ?? null,
    event.action,
    event.target?.type ?? null,
    event.target ? storableText(event.target.id) : null,
    event.outcome,
    event.errorCode ?? null,
    event.origin.ip,
    event.origin.userAgent === null ? null : storableText(event.origin.userAgent.slice(0, 500)),
    event.details === undefined ? null : toJsonText(event.details),
  ];
}

function toView(row: Record<string, unknown>): AuditEntryView {
  return {
    id: row.id as string,
    at: (row.at as Date).toISOString(),
    actorKind: row.actor_kind as string,
    actorId: (row.actor_id as string | null) ?? null,
    actorLabel: row.actor_label as string,
    tokenId: (row.token_id as string | null) ?? null,
    action: row.action as string,
    targetType: (row.target_type as string | null) ?? null,
    targetId: (row.target_id as string | null) ?? null,
    outcome: row.outcome as string,
    errorCode: (row.error_code as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    details: row.details ?? null,
  };
}

function encodeCursor(entry: AuditEntryView): string {
  return Buffer.from(`${entry.at}|${entry.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [timestamp, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(timestamp ?? '');
  if (!id || !isUuid(id) || Number.isNaN(at.getTime())) {
    throw new InvalidRequestError(
      'INVALID_CURSOR',
      'The pagination cursor is not valid. Start again from the first page.',
    );
  }
  return { at, id };
}
