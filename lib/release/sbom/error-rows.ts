import type { ErrorEntry } from '../errors-catalog';

/** The SBOM steps' errors (docs/sbom.md): rows of the one error catalog (lib/release/errors-catalog.ts), kept in the capability's room. */
export const SBOM_ERROR_ROWS = {
  SbomLocationInvalid: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: 'name an SBOM under sboms/ in the versioned artifact bucket (x-amz-meta-sbom or the manifest) and upload a new release',
    meaning: 'the SBOM the manifest or `x-amz-meta-sbom` names is not under `sboms/`, or has no S3 version id (an unversioned bucket); nothing was attached',
  },
  SbomNotArrived: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: 'upload the SBOM (sboms/<package>/<version>/sbom.zip, or where the manifest or x-amz-meta-sbom names it), then redrive: the retries ran out',
    meaning: "the package's `sbom` is `required` and its SBOM is not in the bucket yet: `AttachSbom` waits for it, within `sbomWaitMinutes` (docs/sbom.md)",
  },
  SbomMissing: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'upload the SBOM (sboms/<package>/<version>/sbom.zip, or where the manifest or x-amz-meta-sbom names it), then redrive',
    meaning: 'a `required` SBOM did not arrive within `sbomWaitMinutes` of this run; nothing in OpenSearch changed and the version stays DRAFT',
  },
  SbomValidating: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: 'redrive: it polls the validation again (the polls ran out)',
    meaning: 'AWS IoT is still validating the attached SBOM: the `CheckSbom` poll itself',
  },
  SbomInvalid: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: "upload a corrected SBOM to the same key, then redrive: it attaches the newest SBOM version (pkgrelease sbom <package> <version> shows each file's result)",
    meaning: 'AWS IoT found the `required` SBOM invalid; the message names each file\'s error code (`INCOMPATIBLE_FORMAT`, `FILE_SIZE_LIMIT_EXCEEDED`) and message; the version stays DRAFT',
  },
} as const satisfies Record<string, ErrorEntry>;
