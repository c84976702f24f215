/**
 * IoT Software Package Catalog stand-in (restJson1, the model's HTTP routes). Enforces the model's
 * constraints (lib/release/constraints.ts), the DRAFT → PUBLISHED → DEPRECATED lifecycle, the
 * default-version rules, and clientToken replay.
 */
import { IOT } from '../../lib/release/constraints';
import { ClientTokens, type ClientTokensJson } from './client-tokens';
import { ServiceError, jsonReply, parseJsonBody, restJsonProtocol, type Reply, type RequestContext, type Route } from './http';
import { artifact, attributes, description, recipe, tags, type IotArtifact, type VersionStatus } from './iot-input';
import { checkMember, optBoolean, optEnum, optString, paginate, queryInt, validationError, type Json } from './validate';

export type { IotArtifact } from './iot-input';

export const iotProtocol = restJsonProtocol({
  throttle: { status: 400, code: 'ThrottlingException' },
  server: { status: 500, code: 'InternalServerException' },
});

export interface IotVersion {
  versionName: string;
  description?: string;
  attributes?: Record<string, string>;
  artifact?: IotArtifact;
  recipe?: string;
  tags?: Record<string, string>;
  status: VersionStatus;
  /** Epoch milliseconds. */
  creationDate: number;
  lastModifiedDate: number;
}

export interface IotPackage {
  packageName: string;
  description?: string;
  tags?: Record<string, string>;
  defaultVersionName?: string;
  creationDate: number;
  lastModifiedDate: number;
  versions: Map<string, IotVersion>;
}

export interface IotStateJson {
  packages: (Omit<IotPackage, 'versions'> & { versions: IotVersion[] })[];
  tokens: ClientTokensJson;
}

export interface IotCatalogView {
  [packageName: string]: {
    defaultVersion: string | null;
    versions: { [versionName: string]: { status: VersionStatus; artifact: IotArtifact | null } };
  };
}

/** Default page size of the List operations (the model does not say; 25 keeps paging exercised). */
const DEFAULT_PAGE_SIZE = 25;

/** restJson1 timestamps are epoch seconds. */
const seconds = (ms: number) => ms / 1000;

const conflict = (message: string, resourceId?: string) =>
  new ServiceError(409, 'ConflictException', message, resourceId ? { resourceId } : {});
const notFound = (message: string) => new ServiceError(404, 'ResourceNotFoundException', message);

export class IotCatalog {
  private readonly packages = new Map<string, IotPackage>();
  private readonly tokens = new ClientTokens();
  /** Called after every change (the state directory persists then). */
  onChange: () => void = () => {};

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly now: () => number = Date.now,
  ) {}

  packageArn(p: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:package/${p}`;
  }

  versionArn(p: string, v: string): string {
    return `${this.packageArn(p)}/version/${v}`;
  }

  routes(): Route[] {
    const r = (method: string, path: string, operation: string, handle: (ctx: RequestContext) => Reply): Route => ({ method, path, operation, handle });
    const pkgPath = '/packages/{packageName}';
    const verPath = '/packages/{packageName}/versions/{versionName}';
    return [
      r('GET', '/packages', 'ListPackages', (ctx) => this.listPackages(ctx)),
      r('PUT', pkgPath, 'CreatePackage', (ctx) => this.createPackage(ctx)),
      r('GET', pkgPath, 'GetPackage', (ctx) => jsonReply(this.packageOut(this.pkg(this.labels(ctx).p)))),
      r('PATCH', pkgPath, 'UpdatePackage', (ctx) => this.updatePackage(ctx)),
      r('DELETE', pkgPath, 'DeletePackage', (ctx) => this.deletePackage(ctx)),
      r('GET', `${pkgPath}/versions`, 'ListPackageVersions', (ctx) => this.listVersions(ctx)),
      r('PUT', verPath, 'CreatePackageVersion', (ctx) => this.createVersion(ctx)),
      r('GET', verPath, 'GetPackageVersion', (ctx) => this.getVersion(ctx)),
      r('PATCH', verPath, 'UpdatePackageVersion', (ctx) => this.updateVersion(ctx)),
      r('DELETE', verPath, 'DeletePackageVersion', (ctx) => this.deleteVersion(ctx)),
    ];
  }

  // --- operations -------------------------------------------------------------------------------

  private createPackage(ctx: RequestContext): Reply {
    const { p } = this.labels(ctx);
    const body = parseJsonBody(ctx);
    const desc = description(body);
    const tagMap = tags(body);
    return this.idempotent('CreatePackage', this.packageArn(p), ctx, body, () => {
      // Assumption: an existing package is a ConflictException (modelled for CreatePackage).
      if (this.packages.has(p)) throw conflict(`Package ${p} already exists`, this.packageArn(p));
      const now = this.now();
      this.packages.set(p, { packageName: p, description: desc, tags: tagMap, creationDate: now, lastModifiedDate: now, versions: new Map() });
      return { packageName: p, packageArn: this.packageArn(p), description: desc };
    });
  }

  private updatePackage(ctx: RequestContext): Reply {
    const { p } = this.labels(ctx);
    const body = parseJsonBody(ctx);
    const desc = description(body);
    const defaultVersionName = optString(body, 'defaultVersionName', IOT.versionName);
    const unset = optBoolean(body, 'unsetDefaultVersion');
    if (defaultVersionName !== undefined && unset === true) {
      throw validationError('defaultVersionName', 'cannot be named together with unsetDefaultVersion=true');
    }
    return this.idempotent('UpdatePackage', this.packageArn(p), ctx, body, () => {
      const pkg = this.pkg(p);
      if (defaultVersionName !== undefined) {
        const v = pkg.versions.get(defaultVersionName);
        if (!v) throw notFound(`Package version ${p}/${defaultVersionName} does not exist`);
        // Choice: ConflictException, not ValidationException. The request is well-formed; it fails
        // only because of the version's current state (DRAFT now, fine once published), which is
        // what the model documents ConflictException for ("conflicts with the current state").
        if (v.status === 'DRAFT') {
          throw conflict(`Package version ${defaultVersionName} is DRAFT; only a PUBLISHED or DEPRECATED version can be the default`, this.versionArn(p, defaultVersionName));
        }
        pkg.defaultVersionName = defaultVersionName;
      }
      if (unset === true) pkg.defaultVersionName = undefined;
      if (desc !== undefined) pkg.description = desc;
      pkg.lastModifiedDate = this.now();
      return {};
    });
  }

  private deletePackage(ctx: RequestContext): Reply {
    const { p } = this.labels(ctx);
    return this.idempotent('DeletePackage', this.packageArn(p), ctx, {}, () => {
      const pkg = this.packages.get(p);
      // DeletePackage models no ResourceNotFoundException: deleting a missing package succeeds.
      if (!pkg) return {};
      // The model: "All package versions must be deleted before deleting the software package."
      if (pkg.versions.size > 0) throw validationError('packageName', `package still has ${pkg.versions.size} version(s); delete them first`);
      this.packages.delete(p);
      return {};
    });
  }

  private listPackages(ctx: RequestContext): Reply {
    const size = queryInt(ctx.query, 'maxResults', IOT.listMaxResults.min, IOT.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
    const all = [...this.packages.values()].sort((a, b) => (a.packageName < b.packageName ? -1 : 1));
    const { page, next } = paginate(all, size, ctx.query.get('nextToken'), 'nextToken');
    return jsonReply({
      packageSummaries: page.map((pkg) => ({
        packageName: pkg.packageName,
        defaultVersionName: pkg.defaultVersionName,
        creationDate: seconds(pkg.creationDate),
        lastModifiedDate: seconds(pkg.lastModifiedDate),
      })),
      nextToken: next,
    });
  }

  private createVersion(ctx: RequestContext): Reply {
    const { p, v } = this.labels(ctx, true);
    const body = parseJsonBody(ctx);
    const input = {
      description: description(body),
      attributes: attributes(body),
      artifact: artifact(body),
      recipe: recipe(body),
      tags: tags(body),
    };
    return this.idempotent('CreatePackageVersion', this.versionArn(p, v), ctx, body, () => {
      // Per the brief: a missing package is ResourceNotFoundException 404 (not modelled for this
      // operation, but the SDK still maps it by name).
      const pkg = this.packages.get(p);
      if (!pkg) throw notFound(`Package ${p} does not exist`);
      if (pkg.versions.has(v)) throw conflict(`Package version ${p}/${v} already exists`, this.versionArn(p, v));
      const now = this.now();
      const version: IotVersion = { versionName: v, ...input, status: 'DRAFT', creationDate: now, lastModifiedDate: now };
      pkg.versions.set(v, version);
      pkg.lastModifiedDate = now;
      return {
        packageVersionArn: this.versionArn(p, v),
        packageName: p,
        versionName: v,
        description: version.description,
        attributes: version.attributes,
        status: version.status,
      };
    });
  }

  private getVersion(ctx: RequestContext): Reply {
    const { p, v } = this.labels(ctx, true);
    const version = this.version(p, v);
    return jsonReply({
      packageVersionArn: this.versionArn(p, v),
      packageName: p,
      versionName: v,
      description: version.description,
      attributes: version.attributes,
      artifact: version.artifact,
      status: version.status,
      recipe: version.recipe,
      creationDate: seconds(version.creationDate),
      lastModifiedDate: seconds(version.lastModifiedDate),
    });
  }

  private updateVersion(ctx: RequestContext): Reply {
    const { p, v } = this.labels(ctx, true);
    const body = parseJsonBody(ctx);
    const desc = description(body);
    const attrs = attributes(body);
    const art = artifact(body);
    const newRecipe = recipe(body);
    const action = optEnum(body, 'action', IOT.versionActions);
    return this.idempotent('UpdatePackageVersion', this.versionArn(p, v), ctx, body, () => {
      const version = this.version(p, v);
      // The model: "Attributes can be updated only when the package version is in a draft state";
      // the lifecycle docs say the same of the artifact/recipe. A state problem → ConflictException.
      if (version.status !== 'DRAFT' && (attrs !== undefined || art !== undefined || newRecipe !== undefined)) {
        throw conflict(`Package version ${p}/${v} is ${version.status}; attributes, artifact and recipe can only change in DRAFT`, this.versionArn(p, v));
      }
      let status = version.status;
      if (action === 'PUBLISH') status = 'PUBLISHED'; // DRAFT, PUBLISHED (no-op) and DEPRECATED (re-publish)
      if (action === 'DEPRECATE') {
        if (version.status === 'DRAFT') throw conflict(`Package version ${p}/${v} is DRAFT; only a PUBLISHED version can be deprecated`, this.versionArn(p, v));
        status = 'DEPRECATED';
      }
      Object.assign(version, {
        status,
        ...(desc !== undefined && { description: desc }),
        ...(attrs !== undefined && { attributes: attrs }),
        ...(art !== undefined && { artifact: art }),
        ...(newRecipe !== undefined && { recipe: newRecipe }),
        lastModifiedDate: this.now(),
      });
      return {};
    });
  }

  private deleteVersion(ctx: RequestContext): Reply {
    const { p, v } = this.labels(ctx, true);
    return this.idempotent('DeletePackageVersion', this.versionArn(p, v), ctx, {}, () => {
      const pkg = this.packages.get(p);
      // No ResourceNotFoundException is modelled: deleting what is not there succeeds.
      if (!pkg?.versions.has(v)) return {};
      // The model: a default version must first be unset with UpdatePackage.
      if (pkg.defaultVersionName === v) throw validationError('versionName', `${v} is the default version of ${p}; unset it with UpdatePackage first`);
      pkg.versions.delete(v);
      pkg.lastModifiedDate = this.now();
      return {};
    });
  }

  private listVersions(ctx: RequestContext): Reply {
    const { p } = this.labels(ctx);
    const status = ctx.query.get('status');
    if (status !== null && !(IOT.versionStatuses as readonly string[]).includes(status)) {
      throw validationError('status', `must satisfy enum value set: [${IOT.versionStatuses.join(', ')}]`);
    }
    const size = queryInt(ctx.query, 'maxResults', IOT.listMaxResults.min, IOT.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
    // No ResourceNotFoundException is modelled for ListPackageVersions: a missing package lists nothing.
    const all = [...(this.packages.get(p)?.versions.values() ?? [])].filter((x) => status === null || x.status === status);
    const { page, next } = paginate(all, size, ctx.query.get('nextToken'), 'nextToken');
    return jsonReply({
      packageVersionSummaries: page.map((x) => ({
        packageName: p,
        versionName: x.versionName,
        status: x.status,
        creationDate: seconds(x.creationDate),
        lastModifiedDate: seconds(x.lastModifiedDate),
      })),
      nextToken: next,
    });
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Validates the path labels and the clientToken query parameter. */
  private labels(ctx: RequestContext, withVersion = false): { p: string; v: string } {
    const p = checkMember(ctx.params.packageName ?? '', IOT.packageName, 'packageName');
    const v = withVersion ? checkMember(ctx.params.versionName ?? '', IOT.versionName, 'versionName') : '';
    const token = ctx.query.get('clientToken');
    if (token !== null) checkMember(token, IOT.clientToken, 'clientToken');
    return { p, v };
  }

  private pkg(p: string): IotPackage {
    const pkg = this.packages.get(p);
    if (!pkg) throw notFound(`Package ${p} does not exist`);
    return pkg;
  }

  private version(p: string, v: string): IotVersion {
    const version = this.pkg(p).versions.get(v);
    if (!version) throw notFound(`Package version ${p}/${v} does not exist`);
    return version;
  }

  private packageOut(pkg: IotPackage): Json {
    return {
      packageName: pkg.packageName,
      packageArn: this.packageArn(pkg.packageName),
      description: pkg.description,
      defaultVersionName: pkg.defaultVersionName,
      creationDate: seconds(pkg.creationDate),
      lastModifiedDate: seconds(pkg.lastModifiedDate),
    };
  }

  /** Applies a change once per clientToken (see client-tokens.ts) and persists it. */
  private idempotent(operation: string, arn: string, ctx: RequestContext, body: Json, apply: () => Json): Reply {
    const { response, replayed } = this.tokens.run(operation, arn, ctx.query.get('clientToken'), { params: ctx.params, body }, apply);
    if (!replayed) this.onChange();
    return jsonReply(response);
  }

  // --- state ------------------------------------------------------------------------------------

  view(): IotCatalogView {
    // fromEntries, not assignment: a package may legally be named `__proto__`.
    const sorted = [...this.packages.values()].sort((a, b) => (a.packageName < b.packageName ? -1 : 1));
    return Object.fromEntries(
      sorted.map((pkg) => [
        pkg.packageName,
        {
          defaultVersion: pkg.defaultVersionName ?? null,
          versions: Object.fromEntries([...pkg.versions.values()].map((v) => [v.versionName, { status: v.status, artifact: v.artifact ?? null }])),
        },
      ]),
    );
  }

  exportState(): IotStateJson {
    return {
      packages: [...this.packages.values()].map((pkg) => ({ ...pkg, versions: [...pkg.versions.values()] })),
      tokens: this.tokens.exportState(),
    };
  }

  importState(state: IotStateJson): void {
    this.packages.clear();
    for (const pkg of state.packages) {
      this.packages.set(pkg.packageName, { ...pkg, versions: new Map(pkg.versions.map((v) => [v.versionName, v])) });
    }
    this.tokens.importState(state.tokens);
  }
}
