/**
 * triggers.*: what the inspector shows about a trigger before it is saved or switched on. The
 * lifecycle itself (activation per process) lives in apps/server/src/triggers.
 */
import { previewSchedule } from '@patchbay/connector-schedule';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { viewerProcedure } from '../trpc.ts';

export const triggersRouter = {
  /**
   * The next five fire times of a cron pattern in a time zone (UTC by default), as instants and
   * as wall-clock times in the zone. Never fails for a bad pattern or zone: it says which field
   * is wrong (`{ ok: false, field, message }`), as the inspector asks while the user types.
   */
  schedulePreview: viewerProcedure
    .input(z.object({ cron: z.string().max(200), timezone: z.string().max(100).optional() }))
    .query(({ input }) => previewSchedule(input, new Date())),
} satisfies TRPCRouterRecord;
