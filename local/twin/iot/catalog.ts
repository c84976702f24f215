/**
 * The IoT Software Package Catalog's state: packages and their versions, the DRAFT → PUBLISHED →
 * DEPRECATED lifecycle, the default-version rules and clientToken replay. Callers pass validated
 * input (api.ts parses the requests); every rule a request can break is a ServiceError here.
 */
import { ClientTokens, type ClientTokensJson } from '../core/client-tokens';
import { ServiceError } from '../core/http';
import type { ServiceModel } from '../core/service';
import { validationError, type Json } from '../core/validate';
import type { IotArtifact, VersionStatus } from './input';

export type { IotArtifact } from './input';

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

export type VersionInput = Pick<IotVersion, 'description' | 'attributes' | 'artifact' | 'recipe' | 'tags'>;

export interface VersionChange extends Omit<VersionInput, 'tags'> {
  action?: 'PUBLISH' | 'DEPRECATE';
}

export interface IotCatalogOptions {
  now?: () => number;
  /** Throws when the account cannot create packages or versions (fleet indexing off). */
  requireCatalogEnabled?: () => void;
}

/**
 * What CreatePackage and CreatePackageVersion answer while the account's thing indexing is OFF. AWS
 * documents that they fail ("Getting started with Software Package Catalog") but not the answer:
 * assumption, a ValidationException that names the fix.
 */
export function fleetIndexingRequired(): ServiceError {
  return new ServiceError(
    400,
    'ValidationException',
    'Fleet indexing must be enabled to use Software Package Catalog: thing indexing is OFF in this account. ' +
      'Enable it with UpdateIndexingConfiguration (thingIndexingMode REGISTRY_AND_SHADOW, namedShadowIndexingMode ON, filter namedShadowNames ["$package"]), ' +
      'as "Preparing fleet indexing" in the AWS IoT Developer Guide describes',
  );
}

const conflict = (message: string, resourceId?: string) => new ServiceError(409, 'ConflictException', message, resourceId ? { resourceId } : {});
const notFound = (message: string) => new ServiceError(404, 'ResourceNotFoundException', message);

export class IotCatalog implements ServiceModel<IotStateJson, IotCatalogView> {
  private readonly packages = new Map<string, IotPackage>();
  private readonly tokens = new ClientTokens();
  private readonly now: () => number;
  onChange: () => void = () => {};

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly options: IotCatalogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  packageArn(p: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:package/${p}`;
  }

  versionArn(p: string, v: string): string {
    return `${this.packageArn(p)}/version/${v}`;
  }

  /**
   * Applies a change once per clientToken (see core/client-tokens.ts): `request` (path labels and
   * body) is what makes two calls the same. A change that was applied is signalled.
   */
  idempotent(operation: string, arn: string, token: string | null, request: unknown, apply: () => Json): Json {
    const { response, replayed } = this.tokens.run(operation, arn, token, request, apply);
    if (!replayed) this.onChange();
    return response;
  }

  createPackage(p: string, input: { description?: string; tags?: Record<string, string> }): IotPackage {
    this.options.requireCatalogEnabled?.();
    // Assumption: an existing package is a ConflictException (modelled for CreatePackage).
    if (this.packages.has(p)) throw conflict(`Package ${p} already exists`, this.packageArn(p));
    const now = this.now();
    const pkg = { packageName: p, ...input, creationDate: now, lastModifiedDate: now, versions: new Map() };
    this.packages.set(p, pkg);
    return pkg;
  }

  updatePackage(p: string, change: { description?: string; defaultVersionName?: string; unsetDefaultVersion?: boolean }): void {
    const pkg = this.pkg(p);
    if (change.defaultVersionName !== undefined) {
      const v = pkg.versions.get(change.defaultVersionName);
      if (!v) throw notFound(`Package version ${p}/${change.defaultVersionName} does not exist`);
      // Choice: ConflictException, not ValidationException. The request is well-formed; it fails
      // only because of the version's current state (DRAFT now, fine once published), which is
      // what the model documents ConflictException for ("conflicts with the current state").
      if (v.status === 'DRAFT') {
        throw conflict(`Package version ${change.defaultVersionName} is DRAFT; only a PUBLISHED or DEPRECATED version can be the default`, this.versionArn(p, change.defaultVersionName));
      }
      pkg.defaultVersionName = change.defaultVersionName;
    }
    if (change.unsetDefaultVersion === true) pkg.defaultVersionName = undefined;
    if (change.description !== undefined) pkg.description = change.description;
    pkg.lastModifiedDate = this.now();
  }

  deletePackage(p: string): void {
    const pkg = this.packages.get(p);
    // DeletePackage models no ResourceNotFoundException: deleting a missing package succeeds.
    if (!pkg) return;
    // The model: "All package versions must be deleted before deleting the software package."
    if (pkg.versions.size > 0) throw validationError('packageName', `package still has ${pkg.versions.size} version(s); delete them first`);
    this.packages.delete(p);
  }

  listPackages(): IotPackage[] {
    return [...this.packages.values()].sort((a, b) => (a.packageName < b.packageName ? -1 : 1));
  }

  pkg(p: string): IotPackage {
    const pkg = this.packages.get(p);
    if (!pkg) throw notFound(`Package ${p} does not exist`);
    return pkg;
  }

  version(p: string, v: string): IotVersion {
    const version = this.pkg(p).versions.get(v);
    if (!version) throw notFound(`Package version ${p}/${v} does not exist`);
    return version;
  }

  createVersion(p: string, v: string, input: VersionInput): IotVersion {
    this.options.requireCatalogEnabled?.();
    // Per the brief: a missing package is ResourceNotFoundException 404 (not modelled for this
    // operation, but the SDK still maps it by name).
    const pkg = this.packages.get(p);
    if (!pkg) throw notFound(`Package ${p} does not exist`);
    if (pkg.versions.has(v)) throw conflict(`Package version ${p}/${v} already exists`, this.versionArn(p, v));
    const now = this.now();
    const version: IotVersion = { versionName: v, ...input, status: 'DRAFT', creationDate: now, lastModifiedDate: now };
    pkg.versions.set(v, version);
    pkg.lastModifiedDate = now;
    return version;
  }

  updateVersion(p: string, v: string, change: VersionChange): void {
    const version = this.version(p, v);
    // The model: "Attributes can be updated only when the package version is in a draft state";
    // the lifecycle docs say the same of the artifact/recipe. A state problem → ConflictException.
    if (version.status !== 'DRAFT' && (change.attributes !== undefined || change.artifact !== undefined || change.recipe !== undefined)) {
      throw conflict(`Package version ${p}/${v} is ${version.status}; attributes, artifact and recipe can only change in DRAFT`, this.versionArn(p, v));
    }
    let status = version.status;
    if (change.action === 'PUBLISH') status = 'PUBLISHED'; // DRAFT, PUBLISHED (no-op) and DEPRECATED (re-publish)
    if (change.action === 'DEPRECATE') {
      if (version.status === 'DRAFT') throw conflict(`Package version ${p}/${v} is DRAFT; only a PUBLISHED version can be deprecated`, this.versionArn(p, v));
      status = 'DEPRECATED';
    }
    Object.assign(version, {
      status,
      ...(change.description !== undefined && { description: change.description }),
      ...(change.attributes !== undefined && { attributes: change.attributes }),
      ...(change.artifact !== undefined && { artifact: change.artifact }),
      ...(change.recipe !== undefined && { recipe: change.recipe }),
      lastModifiedDate: this.now(),
    });
  }

  deleteVersion(p: string, v: string): void {
    const pkg = this.packages.get(p);
    // No ResourceNotFoundException is modelled: deleting what is not there succeeds.
    if (!pkg?.versions.has(v)) return;
    // The model: a default version must first be unset with UpdatePackage.
    if (pkg.defaultVersionName === v) throw validationError('versionName', `${v} is the default version of ${p}; unset it with UpdatePackage first`);
    pkg.versions.delete(v);
    pkg.lastModifiedDate = this.now();
  }

  /** A missing package lists nothing (no ResourceNotFoundException is modelled for ListPackageVersions). */
  listVersions(p: string, status: string | null): IotVersion[] {
    return [...(this.packages.get(p)?.versions.values() ?? [])].filter((x) => status === null || x.status === status);
  }

  /** Every change applied under a clientToken: who changed what. */
  tokenUses(): { operation: string; resource: string; token: string }[] {
    return this.tokens.exportState().map(([key]) => {
      const [operation = '', resource = '', token = ''] = key.split(' ');
      return { operation, resource, token };
    });
  }

  // --- state ------------------------------------------------------------------------------------

  view(): IotCatalogView {
    // fromEntries, not assignment: a package may legally be named `__proto__`.
    return Object.fromEntries(
      this.listPackages().map((pkg) => [
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
