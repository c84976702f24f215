import {
  AssociatePackageCommand,
  DescribePackagesCommand,
  type DomainPackageDetails,
  type OpenSearchClient,
  type PackageDetails,
  type PackageVersionHistory,
  paginateGetPackageVersionHistory,
  paginateListDomainsForPackage,
  paginateListPackagesForDomain,
  UpdatePackageCommand,
} from '@aws-sdk/client-opensearch';

/** One helper per OpenSearch package call the release makes. */

/**
 * Package IDs can change (e.g. after an engine upgrade), so the package is found by name on
 * every run. Returns undefined when no package has that name.
 */
export async function findPackageByName(client: OpenSearchClient, packageName: string): Promise<PackageDetails | undefined> {
  const out = await client.send(
    new DescribePackagesCommand({ Filters: [{ Name: 'PackageName', Value: [packageName] }] }),
  );
  return out.PackageDetailsList?.find((p) => p.PackageName === packageName);
}

export async function describePackageById(client: OpenSearchClient, packageId: string): Promise<PackageDetails | undefined> {
  const out = await client.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageID', Value: [packageId] }] }));
  return out.PackageDetailsList?.find((p) => p.PackageID === packageId);
}

/** The whole version history, all pages. */
export async function getVersionHistory(client: OpenSearchClient, packageId: string): Promise<PackageVersionHistory[]> {
  const entries: PackageVersionHistory[] = [];
  for await (const page of paginateGetPackageVersionHistory({ client }, { PackageID: packageId })) {
    entries.push(...(page.PackageVersionHistoryList ?? []));
  }
  return entries;
}

export async function updatePackage(
  client: OpenSearchClient,
  input: { packageId: string; bucket: string; key: string; commitMessage: string },
): Promise<PackageDetails | undefined> {
  const out = await client.send(
    new UpdatePackageCommand({
      PackageID: input.packageId,
      PackageSource: { S3BucketName: input.bucket, S3Key: input.key },
      CommitMessage: input.commitMessage,
    }),
  );
  return out.PackageDetails;
}

/**
 * Applies the package's current AvailablePackageVersion to the domain (the call has no version
 * member). Answers ConflictException "Package is already in desired state" when the domain runs it.
 */
export async function associatePackage(client: OpenSearchClient, input: { packageId: string; domainName: string }): Promise<DomainPackageDetails | undefined> {
  const out = await client.send(new AssociatePackageCommand({ PackageID: input.packageId, DomainName: input.domainName }));
  return out.DomainPackageDetails;
}

/** Every domain the package is associated with (any status), all pages. */
export async function listDomainsForPackage(client: OpenSearchClient, packageId: string): Promise<DomainPackageDetails[]> {
  const list: DomainPackageDetails[] = [];
  for await (const page of paginateListDomainsForPackage({ client }, { PackageID: packageId })) list.push(...(page.DomainPackageDetailsList ?? []));
  return list;
}

/** Every package associated with the domain, all pages. ResourceNotFoundException: no such domain here. */
export async function listPackagesForDomain(client: OpenSearchClient, domainName: string): Promise<DomainPackageDetails[]> {
  const list: DomainPackageDetails[] = [];
  for await (const page of paginateListPackagesForDomain({ client }, { DomainName: domainName })) list.push(...(page.DomainPackageDetailsList ?? []));
  return list;
}
