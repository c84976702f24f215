/**
 * GetIndexingConfiguration / UpdateIndexingConfiguration: the account's fleet indexing settings
 * (ThingIndexingConfiguration, ThingGroupIndexingConfiguration of the model). An update replaces
 * the configurations it names and keeps the other one, as AWS does; managed fields are AWS's to
 * choose (the answer lists them, a request cannot set them).
 */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { jsonReply, parseJsonBody, type Route } from '../../core/http';
import type { Json } from '../../core/validate';
import { check, invalidRequest, list, memberError, obj, oneOf, structList } from '../things/input';
import { type Field, type IndexingConfiguration, MANAGED_FIELDS } from './fleet-index';

const FIELD_TYPES = ['Number', 'String', 'Boolean'] as const;
/** docs: by default up to 10 named shadows per account are indexed. */
const MAX_NAMED_SHADOWS = 10;

type ThingConfig = IndexingConfiguration['thingIndexingConfiguration'];

/** A new account: no index. */
export const FRESH_ACCOUNT_INDEXING: IndexingConfiguration = {
  thingIndexingConfiguration: { thingIndexingMode: 'OFF' },
  thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'OFF' },
};

/**
 * What AWS's "Preparing fleet indexing" asks of an account that uses Software Package Catalog:
 * registry and shadow indexing with the reserved `$package` named shadow as a data source.
 */
export const PACKAGE_CATALOG_INDEXING: IndexingConfiguration = {
  thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON', filter: { namedShadowNames: [IOT_JOBS.packageShadowName] } },
  thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'OFF' },
};

export class IndexingConfigStore {
  config: IndexingConfiguration;
  onChange: () => void = () => {};

  constructor(initial: IndexingConfiguration = FRESH_ACCOUNT_INDEXING) {
    this.config = structuredClone(initial);
  }

  thingIndexingOn(): boolean {
    return this.config.thingIndexingConfiguration.thingIndexingMode !== 'OFF';
  }

  /** Sets the whole configuration (a scenario that starts from a fresh account). */
  reset(config: IndexingConfiguration): void {
    this.config = structuredClone(config);
    this.onChange();
  }

  routes(): Route[] {
    return [
      { method: 'GET', path: '/indexing/config', operation: 'GetIndexingConfiguration', handle: () => jsonReply(withManagedFields(this.config)) },
      {
        method: 'POST',
        path: '/indexing/config',
        operation: 'UpdateIndexingConfiguration',
        handle: (c) => {
          const body = parseJsonBody(c);
          const things = obj(body, 'thingIndexingConfiguration');
          const groups = obj(body, 'thingGroupIndexingConfiguration');
          const next: IndexingConfiguration = { ...this.config };
          if (things) next.thingIndexingConfiguration = thingConfig(things);
          if (groups) {
            const mode = oneOf(groups, 'thingGroupIndexingMode', ['OFF', 'ON'] as const, 'thingGroupIndexingConfiguration.thingGroupIndexingMode');
            if (!mode) throw memberError('thingGroupIndexingConfiguration.thingGroupIndexingMode', 'must not be null');
            next.thingGroupIndexingConfiguration = { thingGroupIndexingMode: mode, ...(groups.customFields !== undefined && { customFields: fields(groups, 'thingGroupIndexingConfiguration.customFields') }) };
          }
          this.config = next;
          this.onChange();
          return jsonReply({});
        },
      },
    ];
  }

  exportState(): IndexingConfiguration {
    return this.config;
  }

  importState(state: IndexingConfiguration): void {
    this.config = state;
  }
}

/** The managed fields the configuration indexes (documented in "Managed fields"), as GetIndexingConfiguration lists them. */
function withManagedFields(config: IndexingConfiguration): Json {
  const t = config.thingIndexingConfiguration;
  const fieldsOf = (shadow: boolean) => Object.entries(MANAGED_FIELDS).filter(([name]) => name.startsWith('shadow.') === shadow).map(([name, type]) => ({ name, type }));
  const managedFields = [
    ...fieldsOf(false),
    ...(t.thingIndexingMode === 'REGISTRY_AND_SHADOW' ? fieldsOf(true) : []),
    ...(t.thingConnectivityIndexingMode === 'STATUS' ? CONNECTIVITY_FIELDS : []),
  ];
  const groups = config.thingGroupIndexingConfiguration;
  return {
    thingIndexingConfiguration: { ...t, ...(t.thingIndexingMode !== 'OFF' && { managedFields }) },
    ...(groups && { thingGroupIndexingConfiguration: { ...groups, ...(groups.thingGroupIndexingMode === 'ON' && { managedFields: GROUP_FIELDS }) } }),
  };
}

const CONNECTIVITY_FIELDS: Field[] = [
  { name: 'connectivity.timestamp', type: 'Number' },
  { name: 'connectivity.version', type: 'Number' },
  { name: 'connectivity.connected', type: 'Boolean' },
  { name: 'connectivity.disconnectReason', type: 'String' },
];
const GROUP_FIELDS: Field[] = [
  { name: 'thingGroupName', type: 'String' },
  { name: 'thingGroupId', type: 'String' },
  { name: 'parentGroupNames', type: 'String' },
];

function thingConfig(t: Json): ThingConfig {
  const p = 'thingIndexingConfiguration';
  const mode = oneOf(t, 'thingIndexingMode', IOT_JOBS.thingIndexingModes, `${p}.thingIndexingMode`);
  if (!mode) throw memberError(`${p}.thingIndexingMode`, 'must not be null');
  const connectivity = oneOf(t, 'thingConnectivityIndexingMode', ['OFF', 'STATUS'] as const, `${p}.thingConnectivityIndexingMode`);
  const defender = oneOf(t, 'deviceDefenderIndexingMode', ['OFF', 'VIOLATIONS'] as const, `${p}.deviceDefenderIndexingMode`);
  const named = oneOf(t, 'namedShadowIndexingMode', ['OFF', 'ON'] as const, `${p}.namedShadowIndexingMode`);
  const filter = indexingFilter(t, p);
  const names = filter?.namedShadowNames;
  if (names && names.length > MAX_NAMED_SHADOWS) throw invalidRequest(`At most ${MAX_NAMED_SHADOWS} named shadows can be indexed`);
  if (mode === 'OFF' && (connectivity === 'STATUS' || defender === 'VIOLATIONS')) {
    throw invalidRequest('Connectivity and Device Defender indexing need thingIndexingMode REGISTRY or REGISTRY_AND_SHADOW (it is OFF)');
  }
  if (named === 'ON' && mode !== 'REGISTRY_AND_SHADOW') throw invalidRequest('namedShadowIndexingMode ON needs thingIndexingMode REGISTRY_AND_SHADOW');
  // AWS's own wording for this rule.
  if (named === 'ON' && !names?.length) throw invalidRequest('NamedShadowNames Filter must not be empty for enabling NamedShadowIndexingMode');
  const customFields = t.customFields === undefined ? undefined : fields(t, `${p}.customFields`);
  const managed = customFields?.find((f) => f.name in MANAGED_FIELDS);
  if (managed) throw invalidRequest(`${managed.name} is a managed field; customFields cannot contain managed fields`);
  if (mode !== 'REGISTRY_AND_SHADOW' && customFields?.some((f) => f.name.startsWith('shadow.'))) {
    throw invalidRequest(`Custom field on a shadow needs thingIndexingMode REGISTRY_AND_SHADOW (mode is ${mode})`);
  }
  return {
    thingIndexingMode: mode,
    ...(connectivity && { thingConnectivityIndexingMode: connectivity }),
    ...(defender && { deviceDefenderIndexingMode: defender }),
    ...(named && { namedShadowIndexingMode: named }),
    ...(filter && { filter }),
    ...(customFields && { customFields }),
  };
}

function indexingFilter(t: Json, p: string): ThingConfig['filter'] {
  const filter = obj(t, 'filter', `${p}.filter`);
  if (!filter) return undefined;
  const names = list(filter, 'namedShadowNames', `${p}.filter.namedShadowNames`)?.map((n, i) => {
    if (typeof n !== 'string') throw memberError(`${p}.filter.namedShadowNames[${i}]`, 'must be a string');
    return check(n, IOT_JOBS.shadowName, `${p}.filter.namedShadowNames[${i}]`);
  });
  const geoLocations = structList(filter, 'geoLocations', (g, gp) => {
    const name = g.name;
    if (name !== undefined && typeof name !== 'string') throw memberError(`${gp}.name`, 'must be a string');
    const order = oneOf(g, 'order', ['LatLon', 'LonLat'] as const, `${gp}.order`);
    return { ...(name !== undefined && { name }), ...(order && { order }) };
  }, `${p}.filter.geoLocations`);
  const conn = obj(filter, 'connectivity', `${p}.filter.connectivity`);
  const socket = conn && list(conn, 'includeSocketInformation', `${p}.filter.connectivity.includeSocketInformation`)?.map((v, i) => {
    if (v !== 'GET_THING_CONNECTIVITY_DATA') throw memberError(`${p}.filter.connectivity.includeSocketInformation[${i}]`, 'must satisfy enum value set: [GET_THING_CONNECTIVITY_DATA]');
    return v as 'GET_THING_CONNECTIVITY_DATA';
  });
  return {
    ...(names && { namedShadowNames: names }),
    ...(geoLocations && { geoLocations }),
    ...(conn && { connectivity: { ...(socket && { includeSocketInformation: socket }) } }),
  };
}

function fields(o: Json, path: string): Field[] {
  return (
    structList(o, 'customFields', (f, fp) => {
      const name = f.name;
      if (typeof name !== 'string' || name === '') throw memberError(`${fp}.name`, 'must be a non-empty string');
      const type = oneOf(f, 'type', FIELD_TYPES, `${fp}.type`);
      return { name, ...(type && { type }) };
    }, path) ?? []
  );
}
