/** The one place a PrismaClient is constructed: Prisma 7 with the node-postgres driver adapter. */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient };

/** `max`: the cap of Prisma's connection pool (node-postgres' default, 10, when not given). */
export function createPrismaClient(
  connectionString: string,
  options: { max?: number } = {},
): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString,
      ...(options.max === undefined ? {} : { max: options.max }),
    }),
  });
}
