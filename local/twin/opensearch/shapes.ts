/** The OpenSearch model's output shapes for packages and domain associations, and the filter fields of DescribePackages. */
import type { OPENSEARCH } from '../../../lib/release/constraints';
import type { Json } from '../core/validate';
import type { Association, OpenSearchDomains } from './domains';
import type { OpenSearchPackages, OsPackage } from './packages';

const seconds = (ms: number) => ms / 1000;

export function filterField(state: OpenSearchPackages, accountId: string, pkg: OsPackage, name: (typeof OPENSEARCH.filterNames)[number]): string | undefined {
  switch (name) {
    case 'PackageID':
      return pkg.id;
    case 'PackageName':
      return pkg.name;
    case 'PackageStatus':
      return state.status(pkg);
    case 'PackageType':
      return pkg.type;
    case 'EngineVersion':
      return pkg.engineVersion;
    case 'PackageOwner':
      return accountId;
  }
}

/** PackageDetails of the model. */
export function packageDetails(state: OpenSearchPackages, accountId: string, pkg: OsPackage): Json {
  const status = state.status(pkg);
  return {
    PackageID: pkg.id,
    PackageName: pkg.name,
    PackageType: pkg.type,
    PackageDescription: pkg.description,
    PackageStatus: status,
    CreatedAt: seconds(pkg.createdAt),
    LastUpdatedAt: seconds(pkg.lastUpdatedAt),
    AvailablePackageVersion: pkg.availableVersion,
    ErrorDetails: status === 'COPY_FAILED' || status === 'VALIDATION_FAILED' ? pkg.errorDetails : undefined,
    EngineVersion: pkg.engineVersion,
    PackageOwner: accountId,
    AvailablePackageConfiguration: pkg.configuration,
    PackageEncryptionOptions: pkg.encryption,
  };
}

/** DomainPackageDetails of the model. */
export function domainPackageDetails(state: OpenSearchPackages, domains: OpenSearchDomains, a: Association): Json {
  const pkg = state.get(a.packageId);
  const status = domains.status(a);
  return {
    PackageID: a.packageId,
    PackageName: pkg?.name,
    PackageType: pkg?.type,
    LastUpdated: seconds(domains.lastUpdated(a)),
    DomainName: a.domainName,
    DomainPackageStatus: status,
    PackageVersion: a.op.version,
    ReferencePath: pkg?.type === 'TXT-DICTIONARY' ? `analyzers/${a.packageId}` : undefined,
    ErrorDetails: status === 'ASSOCIATION_FAILED' ? a.op.failure : undefined,
  };
}
