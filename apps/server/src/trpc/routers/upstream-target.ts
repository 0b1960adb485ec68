/** The `target` input of breakers.* and limits.*: the same shape as a node's policy.target. */
import { z } from 'zod';

export const upstreamTargetInput = z.object({
  target: z
    .string()
    .trim()
    .min(1, 'Target must not be empty')
    .max(300, 'Target must be at most 300 characters'),
});
