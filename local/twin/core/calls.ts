/** Call counts per `service:Operation`: what the twin's `calls()` reports and the campaign checks. */
/** `failed` counts every non-2xx answer; `injected` how many of those were the twin's injected faults. */
export type CallCounts = Record<string, { succeeded: number; failed: number; injected?: number }>;

/** Counts kept elsewhere (the DynamoDB worker thread), shown and reset with the recorder's own. */
export interface CallCountSource {
  snapshot(): CallCounts;
  reset(): void;
}

/** Counts every request as `service:Operation`. */
export class CallRecorder {
  private counts = new Map<string, { succeeded: number; failed: number; injected?: number }>();
  private readonly sources: CallCountSource[] = [];

  include(source: CallCountSource): void {
    this.sources.push(source);
  }

  record(operation: string, ok: boolean, injected = false): void {
    const entry = this.counts.get(operation) ?? { succeeded: 0, failed: 0 };
    if (ok) entry.succeeded++;
    else entry.failed++;
    if (injected) entry.injected = (entry.injected ?? 0) + 1;
    this.counts.set(operation, entry);
  }

  snapshot(): CallCounts {
    const all = [...this.counts.entries(), ...this.sources.flatMap((s) => Object.entries(s.snapshot()))];
    const out: CallCounts = {};
    for (const [op, c] of all.sort(([a], [b]) => a.localeCompare(b))) out[op] = { ...c };
    return out;
  }

  reset(): void {
    this.counts.clear();
    for (const source of this.sources) source.reset();
  }
}
