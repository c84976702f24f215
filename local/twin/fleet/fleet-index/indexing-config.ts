/**
 * GetIndexingConfiguration / UpdateIndexingConfiguration: what the fleet index holds. Thing
 * indexing starts OFF, as in a new account.
 */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { jsonReply, parseJsonBody, type Route } from '../../core/http';
import { check, invalidRequest, list, memberError, obj, oneOf, structList } from '../things/input';
import type { Json } from '../../core/validate';
import type { Field, IndexingConfiguration } from './fleet-index';

const FIELD_TYPES = ['Number', 'String', 'Boolean'] as const;
/** docs: by default up to 10 named shadows per account are indexed. */
const MAX_NAMED_SHADOWS = 10;

export class IndexingConfigStore {
  config: IndexingConfiguration = { thingIndexingConfiguration: { thingIndexingMode: 'OFF' }, thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'OFF' } };
  onChange: () => void = () => {};

  routes(): Route[] {
    return [
      { method: 'GET', path: '/indexing/config', operation: 'GetIndexingConfiguration', handle: () => jsonReply(this.config) },
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

function thingConfig(t: Json): IndexingConfiguration['thingIndexingConfiguration'] {
  const p = 'thingIndexingConfiguration';
  const mode = oneOf(t, 'thingIndexingMode', IOT_JOBS.thingIndexingModes, `${p}.thingIndexingMode`);
  if (!mode) throw memberError(`${p}.thingIndexingMode`, 'must not be null');
  const named = oneOf(t, 'namedShadowIndexingMode', ['OFF', 'ON'] as const, `${p}.namedShadowIndexingMode`);
  const filter = obj(t, 'filter', `${p}.filter`);
  const names = filter && list(filter, 'namedShadowNames', `${p}.filter.namedShadowNames`)?.map((n, i) => {
    if (typeof n !== 'string') throw memberError(`${p}.filter.namedShadowNames[${i}]`, 'must be a string');
    return check(n, IOT_JOBS.shadowName, `${p}.filter.namedShadowNames[${i}]`);
  });
  if (names && names.length > MAX_NAMED_SHADOWS) throw invalidRequest(`At most ${MAX_NAMED_SHADOWS} named shadows can be indexed`);
  if (named === 'ON' && mode !== 'REGISTRY_AND_SHADOW') throw invalidRequest('namedShadowIndexingMode ON needs thingIndexingMode REGISTRY_AND_SHADOW');
  const customFields = t.customFields === undefined ? undefined : fields(t, `${p}.customFields`);
  if (mode !== 'REGISTRY_AND_SHADOW' && customFields?.some((f) => f.name.startsWith('shadow.'))) {
    throw invalidRequest(`Custom field on a shadow needs thingIndexingMode REGISTRY_AND_SHADOW (mode is ${mode})`);
  }
  return {
    thingIndexingMode: mode,
    ...(named && { namedShadowIndexingMode: named }),
    ...(names && { filter: { namedShadowNames: names } }),
    ...(customFields && { customFields }),
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
