/**
 * The SBOM operations of the Software Package Catalog (restJson1, the model's routes), served on
 * the IoT endpoint beside the catalog: AssociateSbomWithPackageVersion,
 * DisassociateSbomFromPackageVersion and ListSbomValidationResults. GetPackageVersion shows the
 * SBOM through the catalog's routes (iot/api.ts asks sboms.ts).
 */
import { IOT } from '../../../lib/release/constraints';
import { jsonReply, parseJsonBody, type RequestContext, type Route } from '../core/http';
import { optObject, optString, paginate, queryInt, validationError, type Json } from '../core/validate';
import { versionLabels } from '../iot/api';
import type { IotCatalog } from '../iot/catalog';
import type { SbomLocation, SbomValidations } from './sboms';

/** Default page size (the model does not say; as the catalog's List operations). */
const DEFAULT_PAGE_SIZE = 25;
const VALIDATION_RESULTS = ['FAILED', 'SUCCEEDED'] as const;

export function sbomRoutes(catalog: IotCatalog, sboms: SbomValidations): Route[] {
  const path = '/packages/{packageName}/versions/{versionName}/sbom';
  return [
    {
      method: 'PUT',
      path,
      operation: 'AssociateSbomWithPackageVersion',
      handle: (ctx) => {
        const { p, v } = versionLabels(ctx);
        const body = parseJsonBody(ctx);
        const location = sbomLocation(body);
        return jsonReply(catalog.idempotent('AssociateSbomWithPackageVersion', catalog.versionArn(p, v), ctx.query.get('clientToken'), { params: ctx.params, body }, () => ({ packageName: p, versionName: v, ...sboms.associate(p, v, location) })));
      },
    },
    {
      method: 'DELETE',
      path,
      operation: 'DisassociateSbomFromPackageVersion',
      handle: (ctx) => {
        const { p, v } = versionLabels(ctx);
        return jsonReply(catalog.idempotent('DisassociateSbomFromPackageVersion', catalog.versionArn(p, v), ctx.query.get('clientToken'), { params: ctx.params }, () => {
          sboms.disassociate(p, v);
          return {};
        }));
      },
    },
    {
      method: 'GET',
      path: '/packages/{packageName}/versions/{versionName}/sbom-validation-results',
      operation: 'ListSbomValidationResults',
      handle: (ctx: RequestContext) => {
        const { p, v } = versionLabels(ctx);
        const wanted = ctx.query.get('validationResult');
        if (wanted !== null && !(VALIDATION_RESULTS as readonly string[]).includes(wanted)) {
          throw validationError('validationResult', `must satisfy enum value set: [${VALIDATION_RESULTS.join(', ')}]`);
        }
        const size = queryInt(ctx.query, 'maxResults', IOT.listMaxResults.min, IOT.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
        const results = sboms.results(p, v).filter((r) => wanted === null || r.validationResult === wanted);
        const { page, next } = paginate(results, size, ctx.query.get('nextToken'), 'nextToken');
        return jsonReply({ validationResultSummaries: page, nextToken: next });
      },
    },
  ];
}

/** The required `sbom.s3Location` (bucket and key required inside, as for the artifact). */
function sbomLocation(body: Json): SbomLocation {
  const sbom = optObject(body, 'sbom');
  if (!sbom) throw validationError('sbom', 'must not be null');
  const loc = optObject(sbom, 's3Location', 'sbom.s3Location');
  if (!loc) throw validationError('sbom.s3Location', 'must not be null');
  const bucket = optString(loc, 'bucket', IOT.s3Bucket, 'sbom.s3Location.bucket');
  const key = optString(loc, 'key', IOT.s3Key, 'sbom.s3Location.key');
  if (bucket === undefined) throw validationError('sbom.s3Location.bucket', 'must not be null');
  if (key === undefined) throw validationError('sbom.s3Location.key', 'must not be null');
  const version = optString(loc, 'version', undefined, 'sbom.s3Location.version');
  return version === undefined ? { bucket, key } : { bucket, key, version };
}
