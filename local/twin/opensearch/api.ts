/**
 * Amazon OpenSearch Service custom-packages stand-in (restJson1 under /2021-01-01). The state and
 * the asynchronous import live in opensearch-packages.ts; this file is the API surface.
 */
import { OPENSEARCH } from '../../../lib/release/constraints';
import { ServiceError, jsonReply, parseJsonBody, restJsonProtocol, type Reply, type RequestContext, type Route } from '../core/http';
import type { Association, OpenSearchDomains } from './domains';
import type { ErrorDetails, OpenSearchPackages, OsPackage } from './packages';
import { domainPackageDetails, filterField, packageDetails } from './shapes';
import { checkMember, optEnum, optObject, optString, paginate, queryInt, reqString, validationError, type Json } from '../core/validate';

/** OpenSearch has no modelled throttling error; the service answers 429 ThrottlingException. */
export const opensearchProtocol = restJsonProtocol({
  throttle: { status: 429, code: 'ThrottlingException' },
  server: { status: 500, code: 'InternalException' },
});

const BASE = '/2021-01-01';
/** MaxResults 0 (the modelled default) means "service default"; assumption: 100. */
const DEFAULT_PAGE_SIZE = 100;
const seconds = (ms: number) => ms / 1000;

/** Modelled status 409, like every OpenSearch client error except ValidationException. */
const notFound = (what: string) => new ServiceError(409, 'ResourceNotFoundException', `${what} not found`);
const conflict = (message: string) => new ServiceError(409, 'ConflictException', message);

/** What AWS answers when AssociatePackage would change nothing. */
export const ALREADY_IN_DESIRED_STATE = 'Package is already in desired state';
/** Assumption (not documented): ErrorDetails of an association that fails. */
const ASSOCIATION_FAILURE: ErrorDetails = {
  ErrorType: 'PACKAGE_ASSOCIATION_FAILED',
  ErrorMessage: 'The package could not be applied to the domain (twin fault injection: associationFailed)',
};

function packageSource(body: Json): { bucket: string; key: string } {
  const src = optObject(body, 'PackageSource');
  if (!src) throw validationError('PackageSource', 'must not be null');
  return {
    bucket: reqString(src, 'S3BucketName', OPENSEARCH.s3BucketName, 'PackageSource.S3BucketName'),
    key: reqString(src, 'S3Key', OPENSEARCH.s3Key, 'PackageSource.S3Key'),
  };
}

/** `*` and `?` wildcards are allowed by the filter value pattern. */
function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

function pageSize(requested: number | undefined): number {
  return requested === undefined || requested === 0 ? DEFAULT_PAGE_SIZE : requested;
}

export class OpenSearchApi {
  constructor(
    private readonly state: OpenSearchPackages,
    private readonly domains: OpenSearchDomains,
    private readonly accountId: string,readonly _region: string,
  ) {}

  routes(): Route[] {
    const r = (method: string, path: string, operation: string, handle: (ctx: RequestContext) => Reply): Route => ({ method, path, operation, handle });
    return [
      r('POST', `${BASE}/packages`, 'CreatePackage', (ctx) => this.create(ctx)),
      r('POST', `${BASE}/packages/update`, 'UpdatePackage', (ctx) => this.update(ctx)),
      r('POST', `${BASE}/packages/describe`, 'DescribePackages', (ctx) => this.describe(ctx)),
      r('GET', `${BASE}/packages/{PackageID}/history`, 'GetPackageVersionHistory', (ctx) => this.history(ctx)),
      r('GET', `${BASE}/packages/{PackageID}/domains`, 'ListDomainsForPackage', (ctx) => this.domainsForPackage(ctx)),
      r('DELETE', `${BASE}/packages/{PackageID}`, 'DeletePackage', (ctx) => this.delete(ctx)),
      r('POST', `${BASE}/packages/associate/{PackageID}/{DomainName}`, 'AssociatePackage', (ctx) => this.associate(ctx)),
      r('POST', `${BASE}/packages/dissociate/{PackageID}/{DomainName}`, 'DissociatePackage', (ctx) => this.dissociate(ctx)),
      r('POST', `${BASE}/packages/associateMultiple`, 'AssociatePackages', (ctx) => this.associateMultiple(ctx)),
      r('POST', `${BASE}/packages/dissociateMultiple`, 'DissociatePackages', (ctx) => this.dissociateMultiple(ctx)),
      r('GET', `${BASE}/domain/{DomainName}/packages`, 'ListPackagesForDomain', (ctx) => this.packagesForDomain(ctx)),
    ];
  }

  private create(ctx: RequestContext): Reply {
    const body = parseJsonBody(ctx);
    const name = reqString(body, 'PackageName', OPENSEARCH.packageName);
    const type = optEnum(body, 'PackageType', OPENSEARCH.packageTypes);
    if (!type) throw validationError('PackageType', 'must not be null');
    const description = optString(body, 'PackageDescription', OPENSEARCH.packageDescription);
    const engineVersion = optString(body, 'EngineVersion', OPENSEARCH.engineVersion);
    if (engineVersion !== undefined && type !== 'ZIP-PLUGIN') throw validationError('EngineVersion', 'can only be specified for package type ZIP-PLUGIN');
    if (engineVersion === undefined && type === 'ZIP-PLUGIN') throw validationError('EngineVersion', 'must not be null for package type ZIP-PLUGIN');
    const source = packageSource(body);
    if (this.state.byName(name)) throw new ServiceError(409, 'ResourceAlreadyExistsException', `Package ${name} already exists`);
    const pkg = this.state.create(
      { name, type, description, engineVersion, configuration: optObject(body, 'PackageConfiguration'), encryption: optObject(body, 'PackageEncryptionOptions') },
      source,
    );
    return jsonReply({ PackageDetails: packageDetails(this.state, this.accountId, pkg) });
  }

  private update(ctx: RequestContext): Reply {
    const body = parseJsonBody(ctx);
    const id = reqString(body, 'PackageID', OPENSEARCH.packageId);
    const source = packageSource(body);
    const description = optString(body, 'PackageDescription', OPENSEARCH.packageDescription);
    const commitMessage = optString(body, 'CommitMessage', OPENSEARCH.commitMessage);
    const pkg = this.pkg(id);
    // Assumption (AWS documents no behaviour): an update while an import is running is refused
    // with ConflictException 409 "Package is busy"; the caller retries later.
    this.requireIdle(pkg);
    this.state.update(pkg, source, {
      description,
      commitMessage,
      configuration: optObject(body, 'PackageConfiguration'),
      encryption: optObject(body, 'PackageEncryptionOptions'),
    });
    return jsonReply({ PackageDetails: packageDetails(this.state, this.accountId, pkg) });
  }

  private describe(ctx: RequestContext): Reply {
    const body = parseJsonBody(ctx);
    const filters = body.Filters ?? [];
    if (!Array.isArray(filters)) throw validationError('Filters', 'must be a list');
    const checks = filters.map((f: unknown, i: number) => {
      const filter = (f ?? {}) as Json;
      const name = optEnum(filter, 'Name', OPENSEARCH.filterNames);
      const values = filter.Value;
      if (!Array.isArray(values) || values.length === 0) throw validationError(`Filters.${i}.Value`, 'must be a non-empty list');
      for (const v of values) {
        if (typeof v !== 'string') throw validationError(`Filters.${i}.Value`, 'must be a list of strings');
        checkMember(v, OPENSEARCH.filterValue, `Filters.${i}.Value`);
      }
      return { name, values: values as string[] };
    });
    const max = body.MaxResults;
    if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < OPENSEARCH.maxResults.min || max > OPENSEARCH.maxResults.max)) {
      throw validationError('MaxResults', `must be an integer between ${OPENSEARCH.maxResults.min} and ${OPENSEARCH.maxResults.max}`);
    }
    const matching = this.state.all().filter((pkg) =>
      checks.every(({ name, values }) => {
        const field = name ? filterField(this.state, this.accountId, pkg, name) : undefined;
        return field !== undefined && values.some((v) => globMatch(v, field));
      }),
    );
    // Assumption: a filter that matches nothing is an empty list, not ResourceNotFoundException.
    const token = optString(body, 'NextToken');
    const { page, next } = paginate(matching, pageSize(max as number | undefined), token, 'NextToken');
    return jsonReply({ PackageDetailsList: page.map((p) => packageDetails(this.state, this.accountId, p)), NextToken: next });
  }

  private history(ctx: RequestContext): Reply {
    const pkg = this.pkg(this.packageIdLabel(ctx));
    const size = pageSize(queryInt(ctx.query, 'maxResults', OPENSEARCH.maxResults.min, OPENSEARCH.maxResults.max));
    // Assumption: newest first.
    const entries = [...pkg.history].reverse();
    const { page, next } = paginate(entries, size, ctx.query.get('nextToken'), 'NextToken');
    return jsonReply({
      PackageID: pkg.id,
      PackageVersionHistoryList: page.map((h) => ({ PackageVersion: h.version, CommitMessage: h.commitMessage, CreatedAt: seconds(h.createdAt) })),
      NextToken: next,
    });
  }

  private delete(ctx: RequestContext): Reply {
    const pkg = this.pkg(this.packageIdLabel(ctx));
    this.requireIdle(pkg);
    // The model: "The package can't be associated with any OpenSearch Service domain."
    if (this.domains.associationsOf({ packageId: pkg.id }).length > 0) throw conflict(`Package ${pkg.id} is associated with a domain; dissociate it first`);
    const details = { ...packageDetails(this.state, this.accountId, pkg), PackageStatus: 'DELETING' };
    this.state.delete(pkg);
    return jsonReply({ PackageDetails: details });
  }

  private associate(ctx: RequestContext): Reply {
    const domain = this.domain(this.domainLabel(ctx));
    const assoc = this.associateOne(this.packageIdLabel(ctx), domain, ctx.outcomeFault === 'associationFailed');
    return jsonReply({ DomainPackageDetails: domainPackageDetails(this.state, this.domains, assoc) });
  }

  private associateMultiple(ctx: RequestContext): Reply {
    const body = parseJsonBody(ctx);
    const domain = this.domain(reqString(body, 'DomainName', OPENSEARCH.domainName));
    const ids = this.packageList(body, (item, member) => reqString(item as Json, 'PackageID', OPENSEARCH.packageId, `${member}.PackageID`));
    this.requireDomainIdle(domain);
    // One operation for the whole list: its own packages do not make the domain busy.
    const list = ids.map((id) => this.associateOne(id, domain, ctx.outcomeFault === 'associationFailed', false));
    return jsonReply({ DomainPackageDetailsList: list.map((a) => domainPackageDetails(this.state, this.domains, a)) });
  }

  /**
   * Applies the package's AvailablePackageVersion to the domain (AssociatePackage has no version
   * member). Assumptions where AWS documents nothing: a domain runs one package operation at a time
   * (another one in progress → ConflictException); the package must have an available version and
   * no running import; a ZIP-PLUGIN only fits a domain of its EngineVersion (ValidationException).
   */
  private associateOne(id: string, domain: string, fail: boolean, checkDomainIdle = true): Association {
    const pkg = this.pkg(id);
    this.requireIdle(pkg);
    if (!pkg.availableVersion) throw conflict(`Package ${pkg.id} has no available version to associate`);
    const engine = this.domains.get(domain)!.engineVersion;
    if (pkg.type === 'ZIP-PLUGIN' && pkg.engineVersion !== engine) {
      throw validationError('PackageID', `package ${pkg.id} is built for ${pkg.engineVersion}; domain ${domain} runs ${engine}`);
    }
    if (checkDomainIdle) this.requireDomainIdle(domain);
    const existing = this.domains.association(pkg.id, domain);
    if (existing && this.domains.status(existing) === 'ACTIVE' && existing.activeVersion === pkg.availableVersion) throw conflict(ALREADY_IN_DESIRED_STATE);
    return this.domains.associate(pkg, domain, fail ? ASSOCIATION_FAILURE : undefined);
  }

  private requireDomainIdle(domain: string): void {
    const busy = this.domains.associationsOf({ domainName: domain }).find((a) => ['ASSOCIATING', 'DISSOCIATING'].includes(this.domains.status(a)));
    if (busy) throw conflict(`Domain ${domain} is processing another package operation (${busy.packageId} ${this.domains.status(busy)}); try again later`);
  }

  private dissociate(ctx: RequestContext): Reply {
    const domain = this.domain(this.domainLabel(ctx));
    return jsonReply({ DomainPackageDetails: domainPackageDetails(this.state, this.domains, this.dissociateOne(this.packageIdLabel(ctx), domain)) });
  }

  private dissociateMultiple(ctx: RequestContext): Reply {
    const body = parseJsonBody(ctx);
    const domain = this.domain(reqString(body, 'DomainName', OPENSEARCH.domainName));
    const ids = this.packageList(body, (item, member) => {
      if (typeof item !== 'string') throw validationError(member, 'must be a string');
      return checkMember(item, OPENSEARCH.packageId, member);
    });
    return jsonReply({ DomainPackageDetailsList: ids.map((id) => domainPackageDetails(this.state, this.domains, this.dissociateOne(id, domain))) });
  }

  private dissociateOne(id: string, domain: string): Association {
    const assoc = this.domains.association(id, domain);
    if (!assoc) throw notFound(`Association of package ${id} with domain ${domain}`);
    if (this.domains.status(assoc) !== 'ACTIVE' && this.domains.status(assoc) !== 'ASSOCIATION_FAILED') {
      throw conflict(`Package ${id} on domain ${domain} is ${this.domains.status(assoc)}; try again later`);
    }
    this.domains.dissociate(assoc);
    return assoc;
  }

  private packageList<T>(body: Json, item: (value: unknown, member: string) => T): T[] {
    const list = body.PackageList;
    if (!Array.isArray(list)) throw validationError('PackageList', 'must not be null');
    return list.map((v, i) => item(v, `PackageList.${i}`));
  }

  private domainsForPackage(ctx: RequestContext): Reply {
    const pkg = this.pkg(this.packageIdLabel(ctx));
    return this.associationPage(ctx, this.domains.associationsOf({ packageId: pkg.id }));
  }

  private packagesForDomain(ctx: RequestContext): Reply {
    return this.associationPage(ctx, this.domains.associationsOf({ domainName: this.domain(this.domainLabel(ctx)) }));
  }

  private associationPage(ctx: RequestContext, list: Association[]): Reply {
    const size = pageSize(queryInt(ctx.query, 'maxResults', OPENSEARCH.maxResults.min, OPENSEARCH.maxResults.max));
    const { page, next } = paginate(list, size, ctx.query.get('nextToken'), 'NextToken');
    return jsonReply({ DomainPackageDetailsList: page.map((a) => domainPackageDetails(this.state, this.domains, a)), NextToken: next });
  }

  // --- helpers ----------------------------------------------------------------------------------

  private packageIdLabel(ctx: RequestContext): string {
    return checkMember(ctx.params.PackageID ?? '', OPENSEARCH.packageId, 'PackageID');
  }

  private domainLabel(ctx: RequestContext): string {
    return checkMember(ctx.params.DomainName ?? '', OPENSEARCH.domainName, 'DomainName');
  }

  /** The domain name, when such a domain exists. */
  private domain(name: string): string {
    if (!this.domains.get(name)) throw notFound(`Domain ${name}`);
    return name;
  }

  private pkg(id: string): OsPackage {
    const pkg = this.state.get(id);
    if (!pkg) throw notFound(`Package ${id}`);
    return pkg;
  }

  private requireIdle(pkg: OsPackage): void {
    const status = this.state.status(pkg);
    if ((OPENSEARCH.busyStatuses as readonly string[]).includes(status)) throw conflict(`Package is busy (${status})`);
  }
}
