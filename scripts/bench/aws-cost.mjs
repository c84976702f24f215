/**
 * What a release costs on AWS, from what one local run did: Standard state transitions (every state
 * entered, and every retry, is one) and Lambda invocations (every Task entered or retried, plus the
 * trigger). Prices: us-east-1 list prices, as the issue fixes them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const PRICES = { perTransition: 0.025 / 1000, perRequest: 0.2 / 1e6, perGbSecond: 0.0000166667 };
/** Billed duration assumed per invocation: each step makes a few AWS calls and two DynamoDB writes. */
export const ASSUMED_BILLED_MS = 200;

/** Memory (MB) of each function in serverless.yml (`provider.memorySize` unless overridden). */
export function lambdaMemoryMb(root) {
  const doc = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'));
  const fallback = Number(doc.provider?.memorySize ?? 1024);
  return Object.fromEntries(Object.entries(doc.functions ?? {}).map(([name, fn]) => [name, Number(fn.memorySize ?? fallback)]));
}

/** Dollars per 1,000 releases for `transitions` and `invocations` per release at `memoryMb`. */
export function costPer1000({ transitions, invocations, memoryMb }) {
  const stepFunctions = transitions * 1000 * PRICES.perTransition;
  const lambda = invocations * 1000 * (PRICES.perRequest + (ASSUMED_BILLED_MS / 1000) * (memoryMb / 1024) * PRICES.perGbSecond);
  return { stepFunctions, lambda, total: stepFunctions + lambda };
}
