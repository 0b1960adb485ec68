/**
 * The one initTRPC call. Exports the router and procedure builders, the context type, and the
 * error formatter that carries structured details (flow issues, flattened zod errors) to the UI.
 */
import type { ValidationIssue } from '@patchbay/engine';
import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { issuesOf, toTRPCError } from './domain-error-mapping.ts';

export type TrpcContext = Pick<AppServices, 'flows' | 'runs' | 'registry' | 'breakers' | 'limits'>;

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const issues: ValidationIssue[] | null = issuesOf(error.cause);
    return {
      ...shape,
      data: {
        ...shape.data,
        issues,
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      },
    };
  },
});

/** Domain errors thrown by services become TRPCErrors with a precise code here, at the edge. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);
