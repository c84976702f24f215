/**
 * OpenSearch domains and their package associations. A domain keeps running the package version it
 * was last associated with until AssociatePackage is called again (developer guide, "Updating
 * custom packages"); each association or dissociation is asynchronous:
 *   AssociatePackage:   ASSOCIATING → ACTIVE, or ASSOCIATION_FAILED (fault kind `associationFailed`)
 *   DissociatePackage:  DISSOCIATING → gone
 * Like the package imports, status is computed lazily from timestamps (no timers). Every version a
 * domain starts running is appended to its timeline with the time it became ACTIVE, so a test can
 * check that no domain ever ran an older release after a newer one.
 */
import type { ServiceModel } from '../core/service';
import type { ErrorDetails, OpenSearchPackages, OsPackage } from './packages';

export type DomainPackageStatus = 'ASSOCIATING' | 'ASSOCIATION_FAILED' | 'ACTIVE' | 'DISSOCIATING';

export interface DomainSpec {
  name: string;
  /** e.g. `OpenSearch_2.13`; ZIP-PLUGIN packages only associate with domains of their engine version. */
  engineVersion: string;
}

export interface Domain extends DomainSpec {
  createdAt: number;
}

interface Operation {
  kind: 'associate' | 'dissociate';
  /** The package version being applied (associate) or removed (dissociate). */
  version: string;
  startedAt: number;
  /** How long it takes: a ZIP-PLUGIN association is a blue/green deployment, much slower. */
  durationMs: number;
  /** Decided at call time by fault injection, revealed when the operation ends. */
  failure?: ErrorDetails;
  done: boolean;
}

export interface Association {
  packageId: string;
  domainName: string;
  /** The version the domain runs; undefined until the first association became ACTIVE. */
  activeVersion?: string;
  op: Operation;
}

export interface TimelineEntry {
  packageId: string;
  packageName: string;
  version: string;
  /** The version's CommitMessage, so a reader can tell which release it carried. */
  commitMessage?: string;
  activeAt: number;
}

export interface DomainsStateJson {
  domains: Domain[];
  associations: Association[];
  timeline: Record<string, TimelineEntry[]>;
}

/** One domain: per package what it runs and what is in progress, and every version it ran. */
export interface TwinDomainView {
  engineVersion: string;
  packages: {
    [packageName: string]: {
      id: string;
      /** The version the domain runs (ACTIVE), null before its first association finished. */
      runs: string | null;
      status: string;
      /** The version being associated / dissociated / that failed, when not the one it runs. */
      pending?: string;
      errorDetails?: { ErrorType: string; ErrorMessage: string };
    };
  };
  /** Versions that became ACTIVE, oldest first. */
  timeline: { package: string; version: string; commitMessage: string | null; activeAt: string }[];
}

export type DomainsView = { [domainName: string]: TwinDomainView };

export class OpenSearchDomains implements ServiceModel<DomainsStateJson, DomainsView> {
  private readonly domains = new Map<string, Domain>();
  /** Keyed by `${packageId} ${domainName}`. */
  private readonly associations = new Map<string, Association>();
  private readonly timelines = new Map<string, TimelineEntry[]>();
  onChange: () => void = () => {};

  constructor(
    private readonly packages: OpenSearchPackages,
    /** ASSOCIATING → ACTIVE and DISSOCIATING → gone take `operationMs`; ZIP-PLUGIN ones `pluginOperationMs`. */
    private readonly timing: { operationMs: number; pluginOperationMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a domain (the twin has no domain API); idempotent for the same name. */
  create(spec: DomainSpec): Domain {
    const existing = this.domains.get(spec.name);
    if (existing) return existing;
    const domain = { ...spec, createdAt: this.now() };
    this.domains.set(spec.name, domain);
    this.timelines.set(spec.name, []);
    this.onChange();
    return domain;
  }

  get(name: string): Domain | undefined {
    return this.domains.get(name);
  }

  all(): Domain[] {
    return [...this.domains.values()];
  }

  /** Associates `pkg` at once, ACTIVE with its available version (a domain that already had it). */
  preassociate(pkg: OsPackage, domainName: string): void {
    const version = pkg.availableVersion ?? '';
    const at = this.now();
    const durationMs = this.durationOf(pkg);
    this.associations.set(key(pkg.id, domainName), { packageId: pkg.id, domainName, activeVersion: version, op: { kind: 'associate', version, startedAt: at - durationMs, durationMs, done: true } });
    this.record(pkg.id, domainName, version, at);
    this.onChange();
  }

  /** Starts applying the package's available version to the domain. */
  associate(pkg: OsPackage, domainName: string, failure: ErrorDetails | undefined): Association {
    const existing = this.association(pkg.id, domainName);
    const op: Operation = { kind: 'associate', version: pkg.availableVersion ?? '', startedAt: this.now(), durationMs: this.durationOf(pkg), failure, done: false };
    const assoc: Association = { packageId: pkg.id, domainName, activeVersion: existing?.activeVersion, op };
    this.associations.set(key(pkg.id, domainName), assoc);
    this.onChange();
    return assoc;
  }

  dissociate(assoc: Association): void {
    const pkg = this.packages.get(assoc.packageId);
    assoc.op = { kind: 'dissociate', version: assoc.activeVersion ?? assoc.op.version, startedAt: this.now(), durationMs: pkg ? this.durationOf(pkg) : this.timing.operationMs, done: false };
    this.onChange();
    this.settle(assoc);
  }

  /** The association, settled; undefined when there is none (or its dissociation has finished). */
  association(packageId: string, domainName: string): Association | undefined {
    const assoc = this.associations.get(key(packageId, domainName));
    return assoc && this.settle(assoc) ? assoc : undefined;
  }

  associationsOf(filter: { packageId?: string; domainName?: string }): Association[] {
    return [...this.associations.values()].filter(
      (a) =>
        (filter.packageId === undefined || a.packageId === filter.packageId) &&
        (filter.domainName === undefined || a.domainName === filter.domainName) &&
        this.settle(a),
    );
  }

  status(a: Association): DomainPackageStatus {
    this.settle(a);
    if (a.op.kind === 'dissociate') return 'DISSOCIATING'; // once done, the association is gone
    if (!a.op.done) return 'ASSOCIATING';
    return a.op.failure ? 'ASSOCIATION_FAILED' : 'ACTIVE';
  }

  /** When the status last changed: the operation's start, or its end once it is over. */
  lastUpdated(a: Association): number {
    this.settle(a);
    return a.op.done ? a.op.startedAt + a.op.durationMs : a.op.startedAt;
  }

  /** Versions the domain started running, oldest first. */
  timeline(domainName: string): TimelineEntry[] {
    for (const a of this.associationsOf({ domainName })) this.settle(a);
    return [...(this.timelines.get(domainName) ?? [])].sort((x, y) => x.activeAt - y.activeAt);
  }

  view(): DomainsView {
    return Object.fromEntries(this.all().map((d) => [d.name, this.domainView(d)]));
  }

  private domainView(d: Domain): TwinDomainView {
    const byId = (id: string) => this.packages.get(id)?.name ?? id;
    return {
      engineVersion: d.engineVersion,
      packages: Object.fromEntries(
        this.associationsOf({ domainName: d.name }).map((a) => {
          const status = this.status(a);
          return [
            byId(a.packageId),
            {
              id: a.packageId,
              runs: a.activeVersion ?? null,
              status,
              ...(a.op.version !== a.activeVersion && { pending: a.op.version }),
              ...(status === 'ASSOCIATION_FAILED' && a.op.failure && { errorDetails: { ...a.op.failure } }),
            },
          ];
        }),
      ),
      timeline: this.timeline(d.name).map((t) => ({ package: t.packageName, version: t.version, commitMessage: t.commitMessage ?? null, activeAt: new Date(t.activeAt).toISOString() })),
    };
  }

  exportState(): DomainsStateJson {
    return { domains: this.all(), associations: [...this.associations.values()], timeline: Object.fromEntries(this.timelines) };
  }

  importState(state: DomainsStateJson): void {
    this.domains.clear();
    this.associations.clear();
    this.timelines.clear();
    for (const d of state.domains) this.domains.set(d.name, d);
    for (const a of state.associations) this.associations.set(key(a.packageId, a.domainName), a);
    for (const [name, entries] of Object.entries(state.timeline)) this.timelines.set(name, entries);
  }

  /** Ends a finished operation; returns false when the association no longer exists. */
  private settle(a: Association): boolean {
    if (a.op.done) return true;
    const endsAt = a.op.startedAt + a.op.durationMs;
    if (this.now() < endsAt) return true;
    a.op.done = true;
    if (a.op.kind === 'dissociate') {
      this.associations.delete(key(a.packageId, a.domainName));
      this.onChange();
      return false;
    }
    if (!a.op.failure) {
      a.activeVersion = a.op.version;
      this.record(a.packageId, a.domainName, a.op.version, endsAt);
    }
    this.onChange();
    return true;
  }

  private durationOf(pkg: OsPackage): number {
    return (pkg.type === 'ZIP-PLUGIN' ? this.timing.pluginOperationMs : this.timing.operationMs) * this.packages.durationFactor();
  }

  private record(packageId: string, domainName: string, version: string, at: number): void {
    const pkg = this.packages.get(packageId);
    const commitMessage = pkg?.history.find((h) => h.version === version)?.commitMessage;
    const entry: TimelineEntry = { packageId, packageName: pkg?.name ?? packageId, version, activeAt: at, ...(commitMessage !== undefined && { commitMessage }) };
    const list = this.timelines.get(domainName) ?? [];
    list.push(entry);
    this.timelines.set(domainName, list);
  }
}

function key(packageId: string, domainName: string): string {
  return `${packageId} ${domainName}`;
}
