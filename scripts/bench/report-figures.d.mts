/** Types for scripts/bench/report-figures.mjs (the infra test imports it). */
export interface BenchReport {
  executions: { status: string; states: string[]; stateStats?: Record<string, { retries: number }> }[];
  calls: Record<string, { succeeded: number; failed: number }>;
}

export interface ReportFigures {
  succeeded: number;
  statuses: Record<string, number>;
  transitionsPerRelease: number;
  invocationsPerRelease: number;
  mutatingPerRelease: number;
  readsPerRelease: number;
  /** DynamoDB calls of the idempotency records and leases, apart from the pipeline's AWS calls. */
  storeWritesPerRelease: number;
  storeReadsPerRelease: number;
  perOperation: Record<string, number>;
}

export declare const READ_REASONS: Record<string, string>;
export declare function reportFigures(root: string, report: BenchReport, releases: number): ReportFigures;
