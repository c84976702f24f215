/** Fleet indexing operations of the IoT control plane (SearchIndex, GetBucketsAggregation, GetStatistics, DescribeIndex). */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { jsonReply, parseJsonBody, type Route } from '../../core/http';
import { check, memberError, num, obj, page, reqStr, str } from '../things/input';
import type { FleetIndex } from './fleet-index';

/** SearchIndex page size when maxResults is absent (the model does not say). */
const DEFAULT_SEARCH_PAGE = 10;

export function fleetIndexRoutes(index: FleetIndex): Route[] {
  const indexName = (body: Record<string, unknown>) => str(body, 'indexName', IOT_JOBS.indexName) ?? IOT_JOBS.thingIndexName;
  return [
    {
      method: 'POST',
      path: '/indices/search',
      operation: 'SearchIndex',
      handle: (c) => {
        const body = parseJsonBody(c);
        const query = reqStr(body, 'queryString', { shape: 'QueryString', min: 1, max: Number.MAX_SAFE_INTEGER });
        const size = num(body, 'maxResults', IOT_JOBS.searchMaxResults, { integer: true }) ?? DEFAULT_SEARCH_PAGE;
        const found = index.search(indexName(body), query);
        const list = found.things ?? found.thingGroups ?? [];
        const { page: items, next } = page(list, size, str(body, 'nextToken'));
        return jsonReply(found.things ? { things: items, thingGroups: [], nextToken: next } : { things: [], thingGroups: items, nextToken: next });
      },
    },
    {
      method: 'POST',
      path: '/indices/buckets',
      operation: 'GetBucketsAggregation',
      handle: (c) => {
        const body = parseJsonBody(c);
        const query = reqStr(body, 'queryString', { shape: 'QueryString', min: 1, max: Number.MAX_SAFE_INTEGER });
        const field = reqStr(body, 'aggregationField', { shape: 'AggregationField', min: 1, max: Number.MAX_SAFE_INTEGER });
        const type = obj(body, 'bucketsAggregationType');
        const terms = type && obj(type, 'termsAggregation', 'bucketsAggregationType.termsAggregation');
        if (!type) throw memberError('bucketsAggregationType', 'must not be null');
        const maxBuckets = (terms && num(terms, 'maxBuckets', IOT_JOBS.maxBuckets, { integer: true, path: 'bucketsAggregationType.termsAggregation.maxBuckets' })) ?? IOT_JOBS.defaultMaxBuckets;
        return jsonReply(index.buckets(indexName(body), query, field, maxBuckets));
      },
    },
    {
      method: 'POST',
      path: '/indices/statistics',
      operation: 'GetStatistics',
      handle: (c) => {
        const body = parseJsonBody(c);
        const query = reqStr(body, 'queryString', { shape: 'QueryString', min: 1, max: Number.MAX_SAFE_INTEGER });
        return jsonReply({ statistics: index.statistics(indexName(body), query, str(body, 'aggregationField')) });
      },
    },
    {
      method: 'GET',
      path: '/indices/{indexName}',
      operation: 'DescribeIndex',
      handle: (c) => jsonReply(index.describe(check(c.params.indexName ?? '', IOT_JOBS.indexName, 'indexName'))),
    },
  ];
}
