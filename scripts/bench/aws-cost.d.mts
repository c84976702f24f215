export const PRICES: { perTransition: number; perRequest: number; perGbSecond: number; perWriteRequestUnit: number; perReadRequestUnit: number };
export const ASSUMED_BILLED_MS: number;
export function lambdaMemoryMb(root: string): Record<string, number>;
export function costPer1000(p: { transitions: number; invocations: number; memoryMb: number; storeWrites?: number; storeReads?: number }): { stepFunctions: number; lambda: number; dynamodb: number; total: number };
