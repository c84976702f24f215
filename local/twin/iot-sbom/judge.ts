/**
 * How the twin judges an SBOM object as AWS documents it: a zip of SPDX or CycloneDX JSON
 * documents (or one such JSON document), each file SUCCEEDED or FAILED with INCOMPATIBLE_FORMAT /
 * FILE_SIZE_LIMIT_EXCEEDED. CycloneDX documents go through the CycloneDX library's own validator
 * for their specVersion; SPDX 2.3 documents through ajv with spdx-2.3-schema.ts.
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { unzipSync } from 'fflate';
import { SPDX_2_3_SCHEMA } from './spdx-2.3-schema';

export type SbomErrorCode = 'INCOMPATIBLE_FORMAT' | 'FILE_SIZE_LIMIT_EXCEEDED';

export interface SbomFileResult {
  fileName: string;
  validationResult: 'SUCCEEDED' | 'FAILED';
  errorCode?: SbomErrorCode;
  errorMessage?: string;
}

/**
 * Size limits. AWS documents that SBOM files have a size limit (FILE_SIZE_LIMIT_EXCEEDED) but the
 * figures below are the twin's assumption: an object of at most 10 MiB, each document inside at
 * most 5 MiB uncompressed, at most 100 documents.
 */
export const SBOM_LIMITS = { objectBytes: 10 * 1024 * 1024, fileBytes: 5 * 1024 * 1024, files: 100 } as const;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Judges one SBOM object (its key names a lone JSON document's file). */
export async function judgeSbom(body: Buffer, objectKey: string): Promise<SbomFileResult[]> {
  const objectName = objectKey.split('/').pop() || objectKey;
  if (body.length > SBOM_LIMITS.objectBytes) return [tooLarge(objectName, body.length, SBOM_LIMITS.objectBytes)];
  if (!body.subarray(0, 4).equals(ZIP_MAGIC)) return [await judgeDocument(objectName, body)];
  let entries: Record<string, Uint8Array>;
  // Entries whose declared size is over the limit are judged by that size, never inflated (a zip bomb).
  const oversized = new Map<string, number>();
  try {
    entries = unzipSync(body, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        if (f.originalSize <= SBOM_LIMITS.fileBytes) return true;
        oversized.set(f.name, f.originalSize);
        return false;
      },
    });
  } catch (e) {
    return [fail(objectName, 'INCOMPATIBLE_FORMAT', `not a readable zip archive: ${(e as Error).message}`)];
  }
  const names = [...new Set([...Object.keys(entries), ...oversized.keys()])].sort();
  if (names.length === 0) return [fail(objectName, 'INCOMPATIBLE_FORMAT', 'the zip archive holds no SBOM document')];
  if (names.length > SBOM_LIMITS.files) return [fail(objectName, 'FILE_SIZE_LIMIT_EXCEEDED', `the zip archive holds ${names.length} files; at most ${SBOM_LIMITS.files}`)];
  const results: SbomFileResult[] = [];
  for (const name of names) {
    const declared = oversized.get(name);
    results.push(declared !== undefined ? tooLarge(name, declared, SBOM_LIMITS.fileBytes) : await judgeDocument(name, Buffer.from(entries[name]!)));
  }
  return results;
}

async function judgeDocument(fileName: string, data: Buffer): Promise<SbomFileResult> {
  if (data.length > SBOM_LIMITS.fileBytes) return tooLarge(fileName, data.length, SBOM_LIMITS.fileBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    return fail(fileName, 'INCOMPATIBLE_FORMAT', 'not a JSON document; SBOMs must be SPDX or CycloneDX JSON');
  }
  const d = (doc && typeof doc === 'object' ? doc : {}) as { bomFormat?: unknown; specVersion?: unknown; spdxVersion?: unknown };
  if (d.bomFormat === 'CycloneDX') return judgeCycloneDx(fileName, data.toString('utf8'), d.specVersion);
  if (typeof d.spdxVersion === 'string') return judgeSpdx(fileName, doc, d.spdxVersion);
  return fail(fileName, 'INCOMPATIBLE_FORMAT', 'neither a CycloneDX document (bomFormat "CycloneDX") nor an SPDX document (spdxVersion)');
}

async function judgeCycloneDx(fileName: string, text: string, specVersion: unknown): Promise<SbomFileResult> {
  const version = Object.values(Spec.Version).find((v) => v === specVersion);
  const spec = version && Spec.SpecVersionDict[version];
  if (!version || !spec?.supportsFormat(Spec.Format.JSON)) {
    return fail(fileName, 'INCOMPATIBLE_FORMAT', `CycloneDX specVersion ${JSON.stringify(specVersion)} is not supported as JSON`);
  }
  const errors = (await cycloneDxValidator(version).validate(text)) as SchemaError[] | null;
  return errors ? fail(fileName, 'INCOMPATIBLE_FORMAT', `not a valid CycloneDX ${version} document: ${describe(errors)}`) : ok(fileName);
}

/** One validator per specVersion: each compiles its schema once, on first use (a second or so). */
const cycloneDxValidators = new Map<Spec.Version, Validation.JsonValidator>();
function cycloneDxValidator(version: Spec.Version): Validation.JsonValidator {
  const known = cycloneDxValidators.get(version);
  if (known) return known;
  const created = new Validation.JsonValidator(version);
  cycloneDxValidators.set(version, created);
  return created;
}

let spdxValidator: ReturnType<Ajv2020['compile']> | undefined;

function judgeSpdx(fileName: string, doc: unknown, spdxVersion: string): SbomFileResult {
  if (spdxVersion !== 'SPDX-2.3') return fail(fileName, 'INCOMPATIBLE_FORMAT', `spdxVersion ${JSON.stringify(spdxVersion)} is not supported; use SPDX-2.3`);
  if (!spdxValidator) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    addFormats.default(ajv);
    spdxValidator = ajv.compile(SPDX_2_3_SCHEMA);
  }
  return spdxValidator(doc) ? ok(fileName) : fail(fileName, 'INCOMPATIBLE_FORMAT', `not a valid SPDX 2.3 document: ${describe(spdxValidator.errors ?? [])}`);
}

interface SchemaError {
  instancePath?: string;
  message?: string;
}

/** The first schema error, where it is and what it says (as a validator would report it). */
function describe(errors: SchemaError[]): string {
  const first = errors[0];
  return first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'invalid';
}

const ok = (fileName: string): SbomFileResult => ({ fileName, validationResult: 'SUCCEEDED' });
const fail = (fileName: string, errorCode: SbomErrorCode, errorMessage: string): SbomFileResult => ({ fileName, validationResult: 'FAILED', errorCode, errorMessage });
const tooLarge = (fileName: string, size: number, limit: number) => fail(fileName, 'FILE_SIZE_LIMIT_EXCEEDED', `${size} bytes; the limit is ${limit} bytes`);
