import * as z from '../../validation/zod';
import type { UpdateOpenSearchResult } from './update-opensearch';

/**
 * What the import's check (CheckOpenSearch, a rollback's CheckRollbackImport) reads of an
 * UpdateOpenSearch-shaped result in its state. Apart from update-opensearch.ts, so that a check's
 * bundle does not take in the import's S3 staging copy.
 */
export const UpdateOpenSearchResultSchema = z.object({
  packageId: z.string(),
  packageName: z.string(),
  outcome: z.enum(['importing', 'served', 'superseded']),
  commitMessage: z.string(),
  packageVersion: z.optional(z.string()),
  servedVersion: z.optional(z.string()),
  fence: z.optional(z.number().check(z.int())),
  packageType: z.optional(z.string()),
  startedAt: z.optional(z.number()),
}) satisfies z.ZodMiniType<UpdateOpenSearchResult>;
