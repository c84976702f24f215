import type { LocalReport } from '../../local/session';

/** The human summary printed after a local run: executions, then the catalog, then call counts. */
export function formatReport(report: LocalReport): string {
  const lines: string[] = [];
  lines.push('Executions');
  for (const e of report.executions) {
    lines.push(`  ${e.status.padEnd(9)} ${e.name}${e.redriveCount ? ` (redriven ${e.redriveCount}×)` : ''}`);
    lines.push(`            ${e.states.join(' → ')}`);
    if (e.error) lines.push(`            ${e.error}: ${e.cause ?? ''}`);
  }
  lines.push('', 'IoT software package catalog');
  for (const [name, pkg] of Object.entries(report.catalog.iot)) {
    lines.push(`  ${name}  default: ${pkg.defaultVersion ?? '(none)'}`);
    for (const [version, v] of Object.entries(pkg.versions)) {
      const loc = v.artifact?.s3Location;
      lines.push(`    ${version.padEnd(12)} ${v.status.padEnd(10)} ${loc ? `s3://${loc.bucket}/${loc.key} @ ${loc.version ?? '-'}` : ''}`);
    }
  }
  lines.push('', 'OpenSearch custom packages');
  for (const [name, pkg] of Object.entries(report.catalog.opensearch)) {
    lines.push(`  ${name} (${pkg.id})  ${pkg.status}  available: ${pkg.availableVersion ?? '-'}`);
    for (const h of pkg.history) lines.push(`    ${h.version.padEnd(4)} ${h.commitMessage ?? ''}`);
    if (pkg.errorDetails) lines.push(`    error: ${pkg.errorDetails.ErrorType}: ${pkg.errorDetails.ErrorMessage}`);
  }
  const domains = Object.entries(report.catalog.domains ?? {});
  if (domains.length) lines.push('', 'OpenSearch domains (the package version each runs)');
  for (const [name, domain] of domains) {
    lines.push(`  ${name} (${domain.engineVersion ?? '-'})`);
    for (const [pkgName, p] of Object.entries(domain.packages)) {
      const commit = report.catalog.opensearch[pkgName]?.history.find((h) => h.version === p.runs)?.commitMessage;
      lines.push(`    ${pkgName.padEnd(24)} ${String(p.runs ?? '-').padEnd(4)} ${String(p.status).padEnd(12)} ${commit ?? ''}`);
    }
  }
  // DynamoDB's "failed" are mostly refused conditional writes: the leases and idempotency records at work.
  lines.push('', 'AWS calls (succeeded/failed, of which injected faults; a DynamoDB failure is mostly a refused condition, the leases at work)');
  const calls = Object.entries(report.calls).sort(([a], [b]) => a.localeCompare(b));
  for (const [op, c] of calls) lines.push(`  ${op.padEnd(32)} ${c.succeeded}/${c.failed}${c.injected ? ` (${c.injected} injected)` : ''}`);
  return lines.join('\n');
}

export function allSucceeded(report: LocalReport): boolean {
  return report.executions.every((e) => e.status === 'SUCCEEDED');
}
