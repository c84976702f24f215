/**
 * The IoT Software Package Catalog's HTTP API (restJson1, the model's routes): parses and checks
 * each request against the model's constraints (lib/release/constraints.ts), applies it to the
 * catalog (catalog.ts) under its clientToken, and renders the model's output shapes.
 */
import { IOT } from '../../../lib/release/constraints';
import { jsonReply, parseJsonBody, restJsonProtocol, type Reply, type RequestContext, type Route } from '../core/http';
import { checkMember, optBoolean, optEnum, optString, paginate, queryInt, validationError, type Json } from '../core/validate';
import type { IotCatalog, IotPackage, IotVersion } from './catalog';
import { artifact, attributes, description, recipe, tags } from './input';

export const iotProtocol = restJsonProtocol({
  throttle: { status: 400, code: 'ThrottlingException' },
  server: { status: 500, code: 'InternalServerException' },
});

/** Default page size of the List operations (the model does not say; 25 keeps paging exercised). */
const DEFAULT_PAGE_SIZE = 25;

/** restJson1 timestamps are epoch seconds. */
const seconds = (ms: number) => ms / 1000;

/** What GetPackageVersion adds about the version's SBOM (the SBOM service, iot-sbom/). */
export type VersionSbom = (packageName: string, versionName: string) => Json | undefined;

export function iotCatalogRoutes(catalog: IotCatalog, sbomOf: VersionSbom = () => undefined): Route[] {
  const r = (method: string, path: string, operation: string, handle: (ctx: RequestContext) => Reply): Route => ({ method, path, operation, handle });
  const pkgPath = '/packages/{packageName}';
  const verPath = '/packages/{packageName}/versions/{versionName}';
  /** Applies a change once per clientToken; the request (labels and body) identifies it. */
  const once = (operation: string, arn: string, ctx: RequestContext, body: Json, apply: () => Json) => jsonReply(catalog.idempotent(operation, arn, ctx.query.get('clientToken'), { params: ctx.params, body }, apply));

  const packageOut = (pkg: IotPackage): Json => ({
    packageName: pkg.packageName,
    packageArn: catalog.packageArn(pkg.packageName),
    description: pkg.description,
    defaultVersionName: pkg.defaultVersionName,
    creationDate: seconds(pkg.creationDate),
    lastModifiedDate: seconds(pkg.lastModifiedDate),
  });

  const versionOut = (p: string, version: IotVersion): Json => ({
    packageVersionArn: catalog.versionArn(p, version.versionName),
    packageName: p,
    versionName: version.versionName,
    description: version.description,
    attributes: version.attributes,
    artifact: version.artifact,
    status: version.status,
    recipe: version.recipe,
    ...sbomOf(p, version.versionName),
    creationDate: seconds(version.creationDate),
    lastModifiedDate: seconds(version.lastModifiedDate),
  });

  return [
    r('GET', '/packages', 'ListPackages', (ctx) => {
      const size = queryInt(ctx.query, 'maxResults', IOT.listMaxResults.min, IOT.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
      const { page, next } = paginate(catalog.listPackages(), size, ctx.query.get('nextToken'), 'nextToken');
      return jsonReply({
        packageSummaries: page.map((pkg) => ({ packageName: pkg.packageName, defaultVersionName: pkg.defaultVersionName, creationDate: seconds(pkg.creationDate), lastModifiedDate: seconds(pkg.lastModifiedDate) })),
        nextToken: next,
      });
    }),
    r('PUT', pkgPath, 'CreatePackage', (ctx) => {
      const { p } = labels(ctx);
      const body = parseJsonBody(ctx);
      const input = { description: description(body), tags: tags(body) };
      return once('CreatePackage', catalog.packageArn(p), ctx, body, () => {
        catalog.createPackage(p, input);
        return { packageName: p, packageArn: catalog.packageArn(p), description: input.description };
      });
    }),
    r('GET', pkgPath, 'GetPackage', (ctx) => jsonReply(packageOut(catalog.pkg(labels(ctx).p)))),
    r('PATCH', pkgPath, 'UpdatePackage', (ctx) => {
      const { p } = labels(ctx);
      const body = parseJsonBody(ctx);
      const change = { description: description(body), defaultVersionName: optString(body, 'defaultVersionName', IOT.versionName), unsetDefaultVersion: optBoolean(body, 'unsetDefaultVersion') };
      if (change.defaultVersionName !== undefined && change.unsetDefaultVersion === true) {
        throw validationError('defaultVersionName', 'cannot be named together with unsetDefaultVersion=true');
      }
      return once('UpdatePackage', catalog.packageArn(p), ctx, body, () => {
        catalog.updatePackage(p, change);
        return {};
      });
    }),
    r('DELETE', pkgPath, 'DeletePackage', (ctx) => {
      const { p } = labels(ctx);
      return once('DeletePackage', catalog.packageArn(p), ctx, {}, () => {
        catalog.deletePackage(p);
        return {};
      });
    }),
    r('GET', `${pkgPath}/versions`, 'ListPackageVersions', (ctx) => {
      const { p } = labels(ctx);
      const status = ctx.query.get('status');
      if (status !== null && !(IOT.versionStatuses as readonly string[]).includes(status)) {
        throw validationError('status', `must satisfy enum value set: [${IOT.versionStatuses.join(', ')}]`);
      }
      const size = queryInt(ctx.query, 'maxResults', IOT.listMaxResults.min, IOT.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
      const { page, next } = paginate(catalog.listVersions(p, status), size, ctx.query.get('nextToken'), 'nextToken');
      return jsonReply({
        packageVersionSummaries: page.map((x) => ({ packageName: p, versionName: x.versionName, status: x.status, creationDate: seconds(x.creationDate), lastModifiedDate: seconds(x.lastModifiedDate) })),
        nextToken: next,
      });
    }),
    r('PUT', verPath, 'CreatePackageVersion', (ctx) => {
      const { p, v } = labels(ctx, true);
      const body = parseJsonBody(ctx);
      const input = { description: description(body), attributes: attributes(body), artifact: artifact(body), recipe: recipe(body), tags: tags(body) };
      return once('CreatePackageVersion', catalog.versionArn(p, v), ctx, body, () => {
        const version = catalog.createVersion(p, v, input);
        return { packageVersionArn: catalog.versionArn(p, v), packageName: p, versionName: v, description: version.description, attributes: version.attributes, status: version.status };
      });
    }),
    r('GET', verPath, 'GetPackageVersion', (ctx) => {
      const { p, v } = labels(ctx, true);
      return jsonReply(versionOut(p, catalog.version(p, v)));
    }),
    r('PATCH', verPath, 'UpdatePackageVersion', (ctx) => {
      const { p, v } = labels(ctx, true);
      const body = parseJsonBody(ctx);
      const change = { description: description(body), attributes: attributes(body), artifact: artifact(body), recipe: recipe(body), action: optEnum(body, 'action', IOT.versionActions) };
      return once('UpdatePackageVersion', catalog.versionArn(p, v), ctx, body, () => {
        catalog.updateVersion(p, v, change);
        return {};
      });
    }),
    r('DELETE', verPath, 'DeletePackageVersion', (ctx) => {
      const { p, v } = labels(ctx, true);
      return once('DeletePackageVersion', catalog.versionArn(p, v), ctx, {}, () => {
        catalog.deleteVersion(p, v);
        return {};
      });
    }),
  ];
}

/** The labels of a version's path (and its clientToken), validated. */
export function versionLabels(ctx: RequestContext): { p: string; v: string } {
  return labels(ctx, true);
}

/** Validates the path labels and the clientToken query parameter. */
function labels(ctx: RequestContext, withVersion = false): { p: string; v: string } {
  const p = checkMember(ctx.params.packageName ?? '', IOT.packageName, 'packageName');
  const v = withVersion ? checkMember(ctx.params.versionName ?? '', IOT.versionName, 'versionName') : '';
  const token = ctx.query.get('clientToken');
  if (token !== null) checkMember(token, IOT.clientToken, 'clientToken');
  return { p, v };
}
