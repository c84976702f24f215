/**
 * What a release costs on AWS, from what one local run did: Standard state transitions (every state
 * entered, and every retry, is one) and Lambda invocations (every Task entered or retried, plus the
 * trigger), and the idempotency table's on-demand requests (its items are under 1 KB: one request
 * unit per write or consistent read). Prices: us-east-1 list prices, as the issue fixes them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const PRICES = { perTransition: 0.025 / 1000, perRequest: 0.2 / 1e6, perGbSecond: 0.0000166667, perWriteRequestUnit: 0.625 / 1e6, perReadRequestUnit: 0.125 / 1e6 };
/** Billed duration assumed per invocation: each step makes a few AWS calls and two DynamoDB writes. */
export const ASSUMED_BILLED_MS = 200;

/** Memory (MB) of each function in serverless.yml (`provider.memorySize` unless overridden). */
export function lambdaMemoryMb(root) {
  const doc = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'));
  const fallback = Number(doc.provider?.memorySize ?? 1024);
  return Object.fromEntries(Object.entries(doc.functions ?? {}).map(([name, fn]) => [name, Number(fn.memorySize ?? fallback)]));
}

/** Dollars per 1,000 releases for `transitions`, `invocations` and DynamoDB `storeWrites`/`storeReads` per release at `memoryMb`. */
export function costPer1000({ transitions, invocations, memoryMb, storeWrites = 0, storeReads = 0 }) {
  const stepFunctions = transitions * 1000 * PRICES.perTransition;
  const lambda = invocations * 1000 * (PRICES.perRequest + (ASSUMED_BILLED_MS / 1000) * (memoryMb / 1024) * PRICES.perGbSecond);
  const dynamodb = 1000 * (storeWrites * PRICES.perWriteRequestUnit + storeReads * PRICES.perReadRequestUnit);
  return { stepFunctions, lambda, dynamodb, total: stepFunctions + lambda + dynamodb };
}
