/**
 * The CloudWatch embedded-metric-format lines the handlers printed (in Lambda they go to the
 * function's log group, where CloudWatch extracts the metrics): kept in order so that tests and
 * the bench can read what a release emitted.
 */
export interface EmfMetric {
  name: string;
  value: number;
  unit: string;
  namespace: string;
  /** This metric's dimensions and their values (`service` included). */
  dimensions: Record<string, string>;
  /** The line's other members: metadata such as packageName. */
  metadata: Record<string, unknown>;
}

interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [member: string]: unknown;
}

/** A long `local serve` keeps the newest lines only. */
const MAX_DOCUMENTS = 50_000;

export class EmfLog {
  private readonly documents: EmfDocument[] = [];

  /** One printed line; a line that is not EMF is refused, as CloudWatch would ignore it. */
  record(line: string): void {
    const doc = JSON.parse(line) as EmfDocument;
    if (!Array.isArray(doc._aws?.CloudWatchMetrics)) throw new Error(`not an EMF line: ${line.slice(0, 200)}`);
    this.documents.push(doc);
    if (this.documents.length > MAX_DOCUMENTS) this.documents.splice(0, this.documents.length - MAX_DOCUMENTS);
  }

  lines(): string[] {
    return this.documents.map((d) => JSON.stringify(d));
  }

  /** Every metric value, flattened: one entry per metric per line. */
  metrics(): EmfMetric[] {
    return this.documents.flatMap((doc) =>
      doc._aws.CloudWatchMetrics.flatMap((directive) => {
        const names = new Set(directive.Metrics.map((m) => m.Name));
        const dimensionNames = [...new Set(directive.Dimensions.flat())];
        const dimensions = Object.fromEntries(dimensionNames.map((d) => [d, String(doc[d])]));
        const metadata = Object.fromEntries(Object.entries(doc).filter(([k]) => k !== '_aws' && !names.has(k) && !dimensionNames.includes(k)));
        return directive.Metrics.map((m) => ({ name: m.Name, unit: m.Unit, value: Number(doc[m.Name]), namespace: directive.Namespace, dimensions, metadata }));
      }),
    );
  }

  clear(): void {
    this.documents.length = 0;
  }
}
