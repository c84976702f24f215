/** OpenSearch Service: custom packages and the domains that use them, on one endpoint. */
import { JSON_BODY_LIMIT } from '../core/limits';
import type { TwinServiceDefinition } from '../core/service';
import { OpenSearchApi, opensearchProtocol } from './api';
import { OpenSearchDomainApi } from './domain-api';
import type { OpenSearchDomains } from './domains';
import type { OpenSearchPackages } from './packages';

export function opensearchService(packages: OpenSearchPackages, domains: OpenSearchDomains, accountId: string, region: string): TwinServiceDefinition {
  return {
    models: [
      { file: 'opensearch.json', model: packages },
      { file: 'opensearch-domains.json', model: domains },
    ],
    endpoints: [
      {
        key: 'opensearch',
        envVar: 'AWS_ENDPOINT_URL_OPENSEARCH',
        service: 'es',
        protocol: opensearchProtocol,
        routes: [...new OpenSearchApi(packages, domains, accountId, region).routes(), ...new OpenSearchDomainApi(domains, packages, accountId, region).routes()],
        bodyLimit: JSON_BODY_LIMIT,
      },
    ],
  };
}
