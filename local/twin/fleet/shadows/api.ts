/** The IoT Data Plane's shadow operations (restJson1; the shadow document is the raw HTTP body). */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { restJsonProtocol, ServiceError, type Reply, type RequestContext, type Route } from '../../core/http';
import { check, page, queryInt } from '../things/input';
import type { ShadowStore } from './shadows';

/** The data plane models ThrottlingException as 429 and InternalFailureException as 500. */
export const iotDataProtocol = restJsonProtocol({
  throttle: { status: 429, code: 'ThrottlingException' },
  server: { status: 500, code: 'InternalFailureException' },
});

const json = (body: unknown): Reply => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const invalid = (message: string) => new ServiceError(400, 'InvalidRequestException', message);

export function shadowRoutes(shadows: ShadowStore): Route[] {
  const names = (c: RequestContext) => {
    const thing = check(c.params.thingName ?? '', IOT_JOBS.thingName, 'thingName');
    const name = c.query.get('name');
    return { thing, shadow: name === null || name === '' ? '' : check(name, IOT_JOBS.shadowName, 'name') };
  };
  return [
    {
      method: 'GET',
      path: '/things/{thingName}/shadow',
      operation: 'GetThingShadow',
      handle: (c) => {
        const { thing, shadow } = names(c);
        const doc = shadows.read(thing, shadow);
        if (!doc) throw new ServiceError(404, 'ResourceNotFoundException', shadow ? `No shadow exists with name: '${thing}~${shadow}'` : `No shadow exists with name: '${thing}'`);
        return json(doc);
      },
    },
    {
      method: 'POST',
      path: '/things/{thingName}/shadow',
      operation: 'UpdateThingShadow',
      handle: (c) => {
        const { thing, shadow } = names(c);
        let payload: unknown;
        try {
          payload = JSON.parse(c.body.toString('utf8'));
        } catch {
          throw invalid('Payload contains invalid json');
        }
        return json(shadows.update(thing, shadow, payload));
      },
    },
    {
      method: 'GET',
      path: '/api/things/shadow/ListNamedShadowsForThing/{thingName}',
      operation: 'ListNamedShadowsForThing',
      handle: (c) => {
        const thing = check(c.params.thingName ?? '', IOT_JOBS.thingName, 'thingName');
        const size = queryInt(c.query, 'pageSize', 1, 100) ?? 25;
        const { page: results, next } = page(shadows.namedShadows(thing), size, c.query.get('nextToken'));
        return json({ results, nextToken: next, timestamp: Math.floor(Date.now() / 1000) });
      },
    },
  ];
}
