/**
 * Fleet indexing over the twin's registry and shadows: SearchIndex, GetBucketsAggregation and
 * GetStatistics on `AWS_Things` (and SearchIndex on `AWS_ThingGroups`), honouring the indexing
 * configuration: with thing indexing OFF there is no index; shadows are indexed only with
 * REGISTRY_AND_SHADOW, named shadows only when named-shadow indexing is ON and the name is in the
 * filter; aggregations only on managed fields and declared custom fields.
 */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { ServiceError } from '../../core/http';
import type { ShadowStore } from '../shadows/shadows';
import { notFound } from '../things/input';
import type { ThingRegistry } from '../things/registry';
import { flatten, type IndexedDoc, matches, parseQuery } from './query';

export interface Field {
  name: string;
  type?: 'Number' | 'String' | 'Boolean';
}

export interface IndexingConfiguration {
  thingIndexingConfiguration: {
    thingIndexingMode: 'OFF' | 'REGISTRY' | 'REGISTRY_AND_SHADOW';
    thingConnectivityIndexingMode?: 'OFF' | 'STATUS';
    deviceDefenderIndexingMode?: 'OFF' | 'VIOLATIONS';
    namedShadowIndexingMode?: 'OFF' | 'ON';
    filter?: {
      namedShadowNames?: string[];
      geoLocations?: { name?: string; order?: 'LatLon' | 'LonLat' }[];
      connectivity?: { includeSocketInformation?: 'GET_THING_CONNECTIVITY_DATA'[] };
    };
    customFields?: Field[];
    managedFields?: Field[];
  };
  thingGroupIndexingConfiguration?: { thingGroupIndexingMode: 'OFF' | 'ON'; customFields?: Field[] };
}

/** Managed fields AWS indexes for things (aggregatable without a custom field). */
export const MANAGED_FIELDS: Record<string, Field['type']> = {
  thingName: 'String',
  thingId: 'String',
  thingTypeName: 'String',
  thingGroupNames: 'String',
  'registry.version': 'Number',
  'registry.thingTypeName': 'String',
  'registry.thingGroupNames': 'String',
  'shadow.version': 'Number',
  'shadow.hasDelta': 'Boolean',
};

export const THING_GROUPS_INDEX = 'AWS_ThingGroups';

export class FleetIndex {
  constructor(
    private readonly registry: ThingRegistry,
    private readonly shadows: ShadowStore,
    private readonly config: () => IndexingConfiguration,
  ) {}

  search(indexName: string, queryString: string): { things?: Record<string, unknown>[]; thingGroups?: Record<string, unknown>[] } {
    const query = parseQuery(queryString);
    if (indexName === THING_GROUPS_INDEX) {
      if (this.config().thingGroupIndexingConfiguration?.thingGroupIndexingMode !== 'ON') throw notFound(`Index ${THING_GROUPS_INDEX} does not exist`);
      return { thingGroups: this.groupDocs().filter((g) => matches(query, g.doc)).map((g) => g.out) };
    }
    return { things: this.matching(indexName, queryString).map((t) => t.out) };
  }

  buckets(indexName: string, queryString: string, field: string, maxBuckets: number): { totalCount: number; buckets: { keyValue: string; count: number }[] } {
    this.aggregatable(field, ['String', 'Boolean']);
    const docs = this.matching(indexName, queryString);
    const counts = new Map<string, number>();
    for (const d of docs) for (const v of new Set(d.doc.get(field) ?? [])) counts.set(v, (counts.get(v) ?? 0) + 1);
    const buckets = [...counts].sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1)).slice(0, maxBuckets).map(([keyValue, count]) => ({ keyValue, count }));
    return { totalCount: docs.length, buckets };
  }

  statistics(indexName: string, queryString: string, field: string | undefined): Record<string, number> {
    const docs = this.matching(indexName, queryString);
    if (field === undefined) return { count: docs.length };
    const type = this.aggregatable(field, ['Number', 'String', 'Boolean']);
    const values = docs.flatMap((d) => d.doc.get(field) ?? []);
    if (type !== 'Number') return { count: values.length };
    const nums = values.map(Number).filter((n) => !Number.isNaN(n));
    const sum = nums.reduce((s, n) => s + n, 0);
    const sumOfSquares = nums.reduce((s, n) => s + n * n, 0);
    const average = nums.length ? sum / nums.length : 0;
    const variance = nums.length ? sumOfSquares / nums.length - average * average : 0;
    return { count: nums.length, average, sum, minimum: Math.min(...nums), maximum: Math.max(...nums), sumOfSquares, variance, stdDeviation: Math.sqrt(variance) };
  }

  describe(indexName: string): { indexName: string; indexStatus: 'ACTIVE'; schema: string } {
    const c = this.config();
    if (indexName === THING_GROUPS_INDEX) {
      if (c.thingGroupIndexingConfiguration?.thingGroupIndexingMode !== 'ON') throw notFound(`Index ${THING_GROUPS_INDEX} does not exist`);
      return { indexName, indexStatus: 'ACTIVE', schema: 'THING_GROUPS' };
    }
    this.thingIndex(indexName);
    const t = c.thingIndexingConfiguration;
    const multi = t.namedShadowIndexingMode === 'ON';
    return { indexName, indexStatus: 'ACTIVE', schema: multi ? 'MULTI_INDEXING_MODE' : t.thingIndexingMode };
  }

  private thingIndex(indexName: string): IndexingConfiguration['thingIndexingConfiguration'] {
    if (indexName !== IOT_JOBS.thingIndexName) throw notFound(`Index ${indexName} does not exist`);
    const t = this.config().thingIndexingConfiguration;
    if (t.thingIndexingMode === 'OFF') throw notFound(`Index ${IOT_JOBS.thingIndexName} does not exist: thing indexing is OFF (UpdateIndexingConfiguration turns it on)`);
    return t;
  }

  private matching(indexName: string, queryString: string) {
    const t = this.thingIndex(indexName);
    const query = parseQuery(queryString);
    return this.registry
      .allThings()
      .sort((a, b) => (a.thingName < b.thingName ? -1 : 1))
      .map((thing) => this.thingDoc(thing.thingName, t))
      .filter((d) => matches(query, d.doc));
  }

  /** The field's type if it can be aggregated: a managed field, or a declared custom field. */
  private aggregatable(field: string, types: Field['type'][]): Field['type'] {
    const t = this.config().thingIndexingConfiguration;
    const declared = [...(t.customFields ?? []), ...(t.managedFields ?? [])].find((f) => f.name === field);
    const type = declared?.type ?? MANAGED_FIELDS[field];
    if (!type) throw new ServiceError(400, 'InvalidAggregationException', `${field} is not an indexed field: add it to customFields with UpdateIndexingConfiguration`);
    if (!types.includes(type)) throw new ServiceError(400, 'InvalidAggregationException', `${field} is a ${type} field; this aggregation needs ${types.join(' or ')}`);
    return type;
  }

  private thingDoc(thingName: string, t: IndexingConfiguration['thingIndexingConfiguration']): { doc: IndexedDoc; out: Record<string, unknown> } {
    const thing = this.registry.thing(thingName);
    const doc: IndexedDoc = new Map();
    const out: Record<string, unknown> = { thingName, thingId: thing.thingId, ...(thing.thingTypeName && { thingTypeName: thing.thingTypeName }), thingGroupNames: [...thing.groups], attributes: { ...thing.attributes } };
    flatten({ thingName, thingId: thing.thingId, thingTypeName: thing.thingTypeName, thingGroupNames: thing.groups, attributes: thing.attributes }, '', doc);
    flatten({ version: thing.version, thingTypeName: thing.thingTypeName, thingGroupNames: thing.groups }, 'registry', doc);
    if (t.thingIndexingMode !== 'REGISTRY_AND_SHADOW') return { doc, out };
    const shadow: Record<string, unknown> = {};
    const classic = this.shadows.read(thingName, '');
    if (classic) Object.assign(shadow, shadowFields(classic));
    if (t.namedShadowIndexingMode === 'ON') {
      const named: Record<string, unknown> = {};
      for (const name of t.filter?.namedShadowNames ?? []) {
        const s = this.shadows.read(thingName, name);
        if (s) named[name] = shadowFields(s);
      }
      if (Object.keys(named).length) shadow.name = named;
    }
    if (Object.keys(shadow).length) {
      flatten(shadow, 'shadow', doc);
      out.shadow = JSON.stringify(shadow);
    }
    return { doc, out };
  }

  private groupDocs() {
    const view = this.registry.view();
    return Object.keys(view.groups).map((name) => {
      const g = this.registry.group(name);
      const parentGroupNames = this.registry.ancestors(name);
      const doc: IndexedDoc = new Map();
      flatten({ thingGroupName: name, thingGroupId: g.thingGroupId, thingGroupDescription: g.description, attributes: g.attributes, parentGroupNames }, '', doc);
      return { doc, out: { thingGroupName: name, thingGroupId: g.thingGroupId, ...(g.description !== undefined && { thingGroupDescription: g.description }), attributes: { ...g.attributes }, parentGroupNames } };
    });
  }
}

function shadowFields(s: Record<string, unknown>): Record<string, unknown> {
  const state = s.state as { desired?: unknown; reported?: unknown; delta?: unknown };
  return {
    ...(state.desired !== undefined && { desired: state.desired }),
    ...(state.reported !== undefined && { reported: state.reported }),
    ...(state.delta !== undefined && { delta: state.delta }),
    hasDelta: state.delta !== undefined,
    version: s.version,
    metadata: s.metadata,
  };
}
