/**
 * The OpenSearch domain reads a release engineer types first — DescribeDomain, DescribeDomains,
 * ListDomainNames — as in the API model (restJson1 under /2021-01-01/opensearch and /domain). The
 * twin's domains are created by the session, not by CreateDomain, so only what the twin models is
 * reported (name, engine, its package operations); the rest is a fixed, plausible configuration.
 */
import { createHash } from 'node:crypto';
import { OPENSEARCH } from '../../../lib/release/constraints';
import { ServiceError, jsonReply, parseJsonBody, type Reply, type RequestContext, type Route } from '../core/http';
import { checkMember, optEnum, validationError, type Json } from '../core/validate';
import type { Domain, OpenSearchDomains } from './domains';
import type { OpenSearchPackages } from './packages';

const ENGINE_TYPES = ['OpenSearch', 'Elasticsearch'] as const;
/** Assumption (the model sets no bound, AWS's SDK documentation says "up to five"): more is a ValidationException. */
export const DESCRIBE_DOMAINS_MAX = 5;

/** Modelled status 409, like the package API's ResourceNotFoundException. */
export const domainNotFound = (name: string) => new ServiceError(409, 'ResourceNotFoundException', `Domain not found: ${name}`);

const engineTypeOf = (d: Domain): (typeof ENGINE_TYPES)[number] => (d.engineVersion.startsWith('Elasticsearch_') ? 'Elasticsearch' : 'OpenSearch');

export class OpenSearchDomainApi {
  constructor(
    private readonly domains: OpenSearchDomains,
    private readonly packages: OpenSearchPackages,
    private readonly accountId: string,
    private readonly region: string,
  ) {}

  routes(): Route[] {
    const r = (method: string, path: string, operation: string, handle: (ctx: RequestContext) => Reply): Route => ({ method, path, operation, handle });
    return [
      r('GET', '/2021-01-01/opensearch/domain/{DomainName}', 'DescribeDomain', (ctx) => this.describeDomain(ctx)),
      r('POST', '/2021-01-01/opensearch/domain-info', 'DescribeDomains', (ctx) => this.describeDomains(ctx)),
      r('GET', '/2021-01-01/domain', 'ListDomainNames', (ctx) => this.listDomainNames(ctx)),
    ];
  }

  private describeDomain(ctx: RequestContext): Reply {
    const name = checkMember(ctx.params.DomainName ?? '', OPENSEARCH.domainName, 'DomainName');
    const domain = this.domains.get(name);
    if (!domain) throw domainNotFound(name);
    return jsonReply({ DomainStatus: this.status(domain) });
  }

  /** Names that match no domain are left out of the list (assumption: as AWS, no error). */
  private describeDomains(ctx: RequestContext): Reply {
    const names = parseJsonBody(ctx).DomainNames;
    if (!Array.isArray(names)) throw validationError('DomainNames', 'must not be null');
    if (names.length === 0) throw validationError('DomainNames', 'must name at least one domain');
    if (names.length > DESCRIBE_DOMAINS_MAX) throw validationError('DomainNames', `must have length less than or equal to ${DESCRIBE_DOMAINS_MAX}`);
    const found = names.flatMap((n: unknown, i: number) => {
      if (typeof n !== 'string') throw validationError(`DomainNames.${i}`, 'must be a string');
      const domain = this.domains.get(checkMember(n, OPENSEARCH.domainName, `DomainNames.${i}`));
      return domain ? [this.status(domain)] : [];
    });
    return jsonReply({ DomainStatusList: found });
  }

  private listDomainNames(ctx: RequestContext): Reply {
    const engineType = optEnum({ engineType: ctx.query.get('engineType') ?? undefined }, 'engineType', ENGINE_TYPES);
    const list = this.domains.all().filter((d) => engineType === undefined || engineTypeOf(d) === engineType);
    return jsonReply({ DomainNames: list.map((d) => ({ DomainName: d.name, EngineType: engineTypeOf(d) })) });
  }

  /** DomainStatus of the model. */
  private status(d: Domain): Json {
    // Assumption: associating a ZIP-PLUGIN is a blue/green deployment, so the domain is Modifying meanwhile.
    const deploying = this.domains
      .associationsOf({ domainName: d.name })
      .some((a) => this.packages.get(a.packageId)?.type === 'ZIP-PLUGIN' && ['ASSOCIATING', 'DISSOCIATING'].includes(this.domains.status(a)));
    const endpointId = createHash('sha256').update(`${this.accountId}/${d.name}`).digest('hex').slice(0, 26);
    return {
      DomainId: `${this.accountId}/${d.name}`,
      DomainName: d.name,
      ARN: `arn:aws:es:${this.region}:${this.accountId}:domain/${d.name}`,
      Created: true,
      Deleted: false,
      Endpoint: `search-${d.name}-${endpointId}.${this.region}.es.amazonaws.com`,
      Processing: deploying,
      UpgradeProcessing: false,
      EngineVersion: d.engineVersion,
      ClusterConfig: { InstanceType: 'r6g.large.search', InstanceCount: 1, DedicatedMasterEnabled: false, ZoneAwarenessEnabled: false, WarmEnabled: false, MultiAZWithStandbyEnabled: false },
      EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 10, Iops: 3000, Throughput: 125 },
      IPAddressType: 'ipv4',
      SnapshotOptions: { AutomatedSnapshotStartHour: 0 },
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07', CustomEndpointEnabled: false },
      AdvancedSecurityOptions: { Enabled: false, InternalUserDatabaseEnabled: false, AnonymousAuthEnabled: false },
      DomainProcessingStatus: deploying ? 'Modifying' : 'Active',
      ModifyingProperties: [],
    };
  }
}
