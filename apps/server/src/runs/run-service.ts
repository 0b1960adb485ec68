/** Starting runs and reading run history. Execution itself happens behind the RunDispatcher. */
import { FlowValidationError, type NodeTypeRegistry, validateFlow } from '@patchbay/engine';
import { jsonByteLength, toJsonColumn } from '../db/json-column.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import { FlowNotRunnableError, InvalidRequestError, NotFoundError } from '../domain-errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../uuid.ts';
import type { RunDispatcher } from './run-dispatcher.ts';
import { RUN_STATUS, RUN_TRIGGER, type RunStatus, type RunTrigger } from './run-status.ts';
import { type RunDetail, type RunSummary, toRunDetail, toRunSummary } from './run-views.ts';

/** Largest trigger input accepted for a run, as serialised JSON. */
export const MAX_RUN_INPUT_BYTES = 1024 * 1024;

export type StartRunInput = { flowId: string; input?: unknown; trigger?: RunTrigger | undefined };
export type ListRunsInput = {
  flowId?: string | undefined;
  status?: RunStatus | undefined;
  limit: number;
  cursor?: string | null | undefined;
};
export type RunPage = { items: RunSummary[]; nextCursor: string | null };

const summaryInclude = {
  flow: { select: { name: true } },
  flowVersion: { select: { number: true } },
} as const;

export class RunService {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      registry: NodeTypeRegistry;
      dispatcher: RunDispatcher;
    },
  ) {}

  /** Queues a run of the flow's latest version and hands it to the dispatcher. */
  async start(input: StartRunInput): Promise<{ runId: string }> {
    const { prisma, registry, dispatcher } = this.deps;
    const flow = isUuid(input.flowId)
      ? await prisma.flow.findUnique({
          where: { id: input.flowId },
          select: {
            name: true,
            versions: {
              orderBy: { number: 'desc' },
              take: 1,
              select: { id: true, document: true },
            },
          },
        })
      : null;
    if (!flow) throw new NotFoundError('Flow', input.flowId);

    const version = flow.versions[0];
    if (!version) {
      throw new FlowNotRunnableError(
        new FlowValidationError(flow.name, [
          { code: 'document.invalid', message: 'the flow has no saved version', path: [] },
        ]),
      );
    }
    // Node types can change between saving and running, so validate again.
    const validation = validateFlow(version.document, registry);
    if (!validation.ok) {
      throw new FlowNotRunnableError(new FlowValidationError(flow.name, validation.issues));
    }

    const inputBytes = jsonByteLength(input.input);
    if (inputBytes > MAX_RUN_INPUT_BYTES) {
      throw new InvalidRequestError(
        'INPUT_TOO_LARGE',
        `The run input is too large (${inputBytes} bytes); the limit is ${MAX_RUN_INPUT_BYTES} bytes.`,
      );
    }

    const run = await prisma.run.create({
      data: {
        flowId: input.flowId,
        flowVersionId: version.id,
        trigger: input.trigger ?? RUN_TRIGGER.manual,
        status: RUN_STATUS.queued,
        input: input.input === undefined ? Prisma.DbNull : toJsonColumn(input.input),
      },
      select: { id: true },
    });
    await dispatcher.dispatch(run.id);
    return { runId: run.id };
  }

  /** Newest first. The cursor is opaque to clients: it encodes the last row's (createdAt, id). */
  async list(input: ListRunsInput): Promise<RunPage> {
    if (input.flowId !== undefined && !isUuid(input.flowId)) {
      return { items: [], nextCursor: null };
    }
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const where: Prisma.RunWhereInput = {
      ...(input.flowId === undefined ? {} : { flowId: input.flowId }),
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { gt: after.id } },
            ],
          }
        : {}),
    };
    // (createdAt desc, id asc) matches the (flow_id, created_at DESC, id) index exactly.
    const rows = await this.deps.prisma.run.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: input.limit + 1,
      include: summaryInclude,
    });
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      items: page.map(toRunSummary),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
    };
  }

  async get(id: string): Promise<RunDetail> {
    const run = isUuid(id)
      ? await this.deps.prisma.run.findUnique({
          where: { id },
          include: {
            flow: { select: { name: true } },
            flowVersion: { select: { number: true, document: true } },
            steps: {
              orderBy: [
                { startedAt: { sort: 'asc', nulls: 'last' } },
                { attempt: 'asc' },
                { finishedAt: { sort: 'asc', nulls: 'last' } },
              ],
            },
          },
        })
      : null;
    if (!run) throw new NotFoundError('Run', id);
    return toRunDetail(run, run.steps);
  }
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [timestamp, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(timestamp ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidRequestError(
      'INVALID_CURSOR',
      'The pagination cursor is not valid. Start again from the first page.',
    );
  }
  return { createdAt, id };
}
