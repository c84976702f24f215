import type { DoctorReport } from '../../lib/operations/doctor';

/** `pkgrelease doctor` / `local doctor`: one line per check, what to fix under each that is not ok. */
export function renderDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  if (report.changed.length) lines.push(`changed fleet indexing (account-wide): ${report.changed.join('; ')}`);
  for (const c of report.checks) {
    lines.push(`${c.ok ? 'ok  ' : 'FIX '}  ${c.name}: ${c.detail}`);
    if (c.fix) lines.push(`        fix: ${c.fix}`);
  }
  const failing = report.checks.filter((c) => !c.ok).length;
  lines.push(failing ? `${failing} of ${report.checks.length} check(s) not ok: a release would fail until they are fixed` : `all ${report.checks.length} checks ok: ready for the first release`);
  return lines.join('\n');
}

/** Prints the report; exit code 1 when a check is not ok. */
export function printDoctor(report: DoctorReport, json?: boolean): number {
  console.log(json ? JSON.stringify(report, null, 2) : renderDoctor(report));
  return report.ok ? 0 : 1;
}
