/**
 * The device side of the twin in one service: the IoT registry (things, groups), IoT Jobs with
 * simulated devices, the `$package` shadows (IoT Data Plane), package configuration and the fleet
 * index. Its control-plane routes share the IoT endpoint; the shadows have their own.
 */
import { IOT_JOBS } from '../../../lib/release/iot-jobs-constraints';
import type { Route } from '../core/http';
import type { ServiceModel } from '../core/service';
import { DeviceFleet, type DeviceGroupSpec, type DevicesView } from './devices/devices';
import { fleetIndexRoutes } from './fleet-index/api';
import { FleetIndex, type IndexingConfiguration } from './fleet-index/fleet-index';
import { IndexingConfigStore } from './fleet-index/indexing-config';
import { jobRoutes } from './jobs/api';
import { destinationVersions, type ObjectReader, type PackageVersionLookup } from './jobs/create-job';
import { type JobTemplate, JobTemplates } from './jobs/job-templates';
import type { JobsStateJson } from './jobs/job-model';
import { JobStore } from './jobs/jobs';
import { type PackageConfiguration, PackageConfigurationStore } from './jobs/package-configuration';
import { shadowRoutes } from './shadows/api';
import { ShadowStore, type ShadowsStateJson } from './shadows/shadows';
import { thingRoutes } from './things/api';
import { type RegistryStateJson, type RegistryView, ThingRegistry } from './things/registry';

export interface FleetStateJson {
  registry: RegistryStateJson;
  jobs: JobsStateJson;
  templates: JobTemplate[];
  shadows: ShadowsStateJson;
  packageConfiguration: PackageConfiguration;
  indexing: IndexingConfiguration;
}

export interface FleetView {
  registry: RegistryView;
  devices: DevicesView;
  jobs: {
    [jobId: string]: { status: string; reasonCode: string | null; targets: string[]; packageVersions: string[]; executions: Record<string, number> };
  };
  /** Per package: how many things report each version in their `$package` shadow. */
  versions: { [packageName: string]: { [version: string]: number } };
}

export interface FleetOptions {
  region: string;
  accountId: string;
  seed: number;
  /** Wall time per simulated time (local/engine/time-scale.ts); default 1. */
  timeScale?: number;
  devices?: DeviceGroupSpec[];
  packageVersion: PackageVersionLookup;
  readObject: ObjectReader;
  /** How often the jobs and devices advance, in wall ms (default 10). */
  tickMs?: number;
  /** The account's fleet indexing before any UpdateIndexingConfiguration (default: a fresh account's, OFF). */
  indexing?: IndexingConfiguration;
}

export class FleetService implements ServiceModel<FleetStateJson, FleetView> {
  readonly registry: ThingRegistry;
  readonly jobs: JobStore;
  readonly templates: JobTemplates;
  readonly shadows = new ShadowStore();
  readonly packageConfiguration = new PackageConfigurationStore();
  readonly indexing: IndexingConfigStore;
  readonly index: FleetIndex;
  readonly devices: DeviceFleet;
  private timer: NodeJS.Timeout | undefined;
  /** Called after every change (the state directory persists then). */
  onChange: () => void = () => {};

  constructor(private readonly options: FleetOptions) {
    const clock = { now: Date.now, scale: options.timeScale ?? 1 };
    this.registry = new ThingRegistry(options.region, options.accountId);
    this.indexing = new IndexingConfigStore(options.indexing);
    this.jobs = new JobStore(clock);
    this.templates = new JobTemplates(options.region, options.accountId, this.jobs);
    this.index = new FleetIndex(this.registry, this.shadows, () => this.indexing.config);
    this.devices = new DeviceFleet(this.registry, this.jobs, clock, options.seed);
    for (const part of [this.registry, this.jobs, this.templates, this.shadows, this.packageConfiguration, this.indexing]) part.onChange = () => this.onChange();
    this.jobs.onQueued = (e) => this.devices.queued(e);
    this.jobs.onSucceeded = (e, job) => {
      if (!this.packageConfiguration.versionUpdateEnabled()) return;
      const versions = destinationVersions(job.spec);
      if (versions.length === 0) return;
      this.shadows.update(e.thingName, IOT_JOBS.packageShadowName, { state: { reported: Object.fromEntries(versions.map(([p, v]) => [p, { version: v }])) } });
    };
    this.registry.onThingAdded = (thingName, groupName) => {
      const arns = new Set([groupName, ...this.registry.ancestors(groupName)].map((g) => this.registry.groupArn(g)));
      for (const job of this.jobs.all()) {
        if (job.spec.targetSelection === 'CONTINUOUS' && job.spec.targets.some((t) => arns.has(t))) this.jobs.addTarget(job.spec.jobId, thingName);
      }
    };
  }

  /** Routes on the IoT control-plane endpoint. */
  iotRoutes(): Route[] {
    return [
      ...thingRoutes(this.registry),
      ...jobRoutes(this.jobs, this.registry, this.templates, { packageVersion: this.options.packageVersion, readObject: this.options.readObject }),
      ...this.templates.routes(),
      ...this.packageConfiguration.routes(),
      ...this.indexing.routes(),
      ...fleetIndexRoutes(this.index),
    ];
  }

  /** Routes on the IoT Data Plane endpoint. */
  iotDataRoutes(): Route[] {
    return shadowRoutes(this.shadows);
  }

  /** Declares the simulated devices and starts the loop that advances jobs and devices. */
  start(): void {
    if (this.options.devices?.length) this.devices.declare(this.options.devices);
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 10);
    this.timer.unref();
  }

  tick(): void {
    this.jobs.tick();
    this.devices.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  view(): FleetView {
    const versions: FleetView['versions'] = {};
    for (const thing of this.registry.allThings()) {
      const reported = this.shadows.get(thing.thingName, IOT_JOBS.packageShadowName)?.state.reported ?? {};
      for (const [p, v] of Object.entries(reported)) {
        const version = (v as { version?: unknown } | null)?.version;
        if (typeof version !== 'string') continue;
        const perPackage = (versions[p] ??= {});
        perPackage[version] = (perPackage[version] ?? 0) + 1;
      }
    }
    return {
      registry: this.registry.view(),
      devices: this.devices.view(),
      jobs: Object.fromEntries(
        this.jobs.all().map((j) => {
          const counts = Object.fromEntries(Object.entries(this.jobs.counts(j.spec.jobId)).filter(([, n]) => n > 0));
          return [j.spec.jobId, { status: j.status, reasonCode: j.reasonCode ?? null, targets: j.spec.targets, packageVersions: destinationVersions(j.spec).map(([p, v]) => `${p}@${v}`), executions: counts }];
        }),
      ),
      versions,
    };
  }

  exportState(): FleetStateJson {
    return {
      registry: this.registry.exportState(),
      jobs: this.jobs.exportState(),
      templates: this.templates.exportState(),
      shadows: this.shadows.exportState(),
      packageConfiguration: this.packageConfiguration.exportState(),
      indexing: this.indexing.exportState(),
    };
  }

  importState(state: FleetStateJson): void {
    this.registry.importState(state.registry);
    this.jobs.importState(state.jobs);
    this.templates.importState(state.templates);
    this.shadows.importState(state.shadows);
    this.packageConfiguration.importState(state.packageConfiguration);
    this.indexing.importState(state.indexing);
  }
}
