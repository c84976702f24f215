import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { findPackageByName } from '../../clients/opensearch';
import { describeDomain } from '../../clients/preconditions';
import { opensearchPackageOf, type PackagesConfig } from '../../release/config';
import { OPENSEARCH } from '../../release/constraints';
import { type Check, guarded, notOk, ok } from './check';

/**
 * The OpenSearch side of the configured packages: each custom package a release updates must exist
 * (found by name, as the release finds it) and be AVAILABLE, and each domain a package names must exist.
 */
export async function checkOpenSearch(opensearch: OpenSearchClient, config: PackagesConfig): Promise<Check[]> {
  const packages = new Map<string, string[]>();
  const domains = new Map<string, string[]>();
  for (const [name, settings] of Object.entries(config.packages)) {
    const os = opensearchPackageOf(name, settings);
    packages.set(os, [...(packages.get(os) ?? []), name]);
    if (Array.isArray(settings.domains)) for (const ref of settings.domains) domains.set(domainNameOf(ref), [...(domains.get(domainNameOf(ref)) ?? []), name]);
  }
  const checks = await Promise.all([
    ...[...packages].map(([os, feeds]) => {
      const name = `OpenSearch package ${os}`;
      return guarded(name, 'es:DescribePackages', async () => {
        const found = await findPackageByName(opensearch, os);
        if (!found) return notOk(name, `does not exist (configured for ${feeds.join(', ')})`, `create it once (aws opensearch create-package --package-name ${os} …), or fix "opensearchPackage" in the package configuration`);
        if (found.PackageStatus !== 'AVAILABLE') {
          const detail = found.ErrorDetails?.ErrorMessage ? `: ${found.ErrorDetails.ErrorMessage}` : '';
          return notOk(name, `${found.PackageID} is ${found.PackageStatus}${detail}`, 'wait until it is AVAILABLE; a *_FAILED package needs a new import (aws opensearch update-package)');
        }
        return ok(name, `${found.PackageID}, ${found.PackageType}, AVAILABLE`);
      });
    }),
    ...[...domains].map(([domain, by]) => {
      const name = `OpenSearch domain ${domain}`;
      return guarded(name, 'es:DescribeDomain', async () => {
        const d = await describeDomain(opensearch, domain);
        if (!d || d.Deleted) return notOk(name, `does not exist (named in "domains" of ${by.join(', ')})`, 'create the domain, or fix "domains" in the package configuration');
        return ok(name, `${d.EngineVersion ?? 'engine unknown'}${d.Processing ? ', a configuration change is in progress' : ''}`);
      });
    }),
  ]);
  return checks.flat();
}

/** A configured domain reference (a name, or an ARN) → the domain's name. */
function domainNameOf(ref: string): string {
  return OPENSEARCH.domainArn.pattern.exec(ref)?.[3] ?? ref;
}
