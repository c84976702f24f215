import type { SbomReport } from '../../lib/operations/sbom';

/** The human view of `pkgrelease sbom`: the SBOM, its validation, one line per file. */
export function renderSbomReport(r: SbomReport): string {
  const out = [`${r.packageName}@${r.versionName} (${r.versionStatus ?? 'unknown status'})`];
  if (!r.sbom) {
    out.push('SBOM: none attached');
    return out.join('\n');
  }
  out.push(`SBOM: s3://${r.sbom.bucket}/${r.sbom.key}${r.sbom.version ? ` (S3 version ${r.sbom.version})` : ''}`, `validation: ${r.validation}`);
  if (r.validation === 'IN_PROGRESS') out.push('  (AWS IoT is still validating it: results appear when it is done)');
  for (const f of r.files) out.push(`  ${f.validationResult.padEnd(9)} ${f.fileName}${f.errorCode ? `  ${f.errorCode}: ${f.errorMessage ?? ''}` : ''}`);
  return out.join('\n');
}
