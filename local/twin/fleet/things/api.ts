/** The things and static thing groups operations of the IoT control plane (restJson1, the model's routes). */
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { jsonReply, parseJsonBody, type Reply, type RequestContext, type Route } from '../../core/http';
import { check, invalidRequest, obj, page, queryBool, queryInt, seconds, str, stringMap } from './input';
import type { ThingRegistry } from './registry';

const J = IOT_JOBS;
/** Default page size of the registry's list operations (the model does not say). */
const DEFAULT_PAGE_SIZE = 25;

export function thingRoutes(registry: ThingRegistry): Route[] {
  const r = (method: string, path: string, operation: string, handle: (ctx: RequestContext) => Reply): Route => ({ method, path, operation, handle });
  const thingName = (ctx: RequestContext) => check(ctx.params.thingName ?? '', J.thingName, 'thingName');
  const groupName = (ctx: RequestContext) => check(ctx.params.thingGroupName ?? '', J.thingGroupName, 'thingGroupName');
  return [
    r('POST', '/things/{thingName}', 'CreateThing', (ctx) => {
      const name = thingName(ctx);
      const body = parseJsonBody(ctx);
      const payload = obj(body, 'attributePayload');
      const thing = registry.createThing({
        thingName: name,
        thingTypeName: str(body, 'thingTypeName', J.thingTypeName),
        attributes: payload && stringMap(payload, 'attributes', J.attributeName, J.attributeValue, 'attributePayload.attributes'),
        billingGroupName: str(body, 'billingGroupName'),
      });
      return jsonReply({ thingName: name, thingArn: registry.thingArn(name), thingId: thing.thingId });
    }),
    r('GET', '/things/{thingName}', 'DescribeThing', (ctx) => {
      const t = registry.thing(thingName(ctx));
      return jsonReply({
        defaultClientId: t.thingName,
        thingName: t.thingName,
        thingId: t.thingId,
        thingArn: registry.thingArn(t.thingName),
        thingTypeName: t.thingTypeName,
        attributes: t.attributes,
        version: t.version,
        billingGroupName: t.billingGroupName,
      });
    }),
    r('GET', '/things', 'ListThings', (ctx) => {
      const size = queryInt(ctx.query, 'maxResults', J.listMaxResults.min, J.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
      const attr = ctx.query.get('attributeName');
      const value = ctx.query.get('attributeValue');
      const prefix = queryBool(ctx.query, 'usePrefixAttributeValue') ?? false;
      const type = ctx.query.get('thingTypeName');
      const all = registry
        .allThings()
        .filter((t) => type === null || t.thingTypeName === type)
        .filter((t) => attr === null || (value === null ? attr in t.attributes : prefix ? (t.attributes[attr] ?? '').startsWith(value) : t.attributes[attr] === value))
        .sort((a, b) => (a.thingName < b.thingName ? -1 : 1));
      const { page: items, next } = page(all, size, ctx.query.get('nextToken'));
      return jsonReply({ things: items.map((t) => ({ thingName: t.thingName, thingTypeName: t.thingTypeName, thingArn: registry.thingArn(t.thingName), attributes: t.attributes, version: t.version })), nextToken: next });
    }),
    r('POST', '/thing-groups/{thingGroupName}', 'CreateThingGroup', (ctx) => {
      const name = groupName(ctx);
      const body = parseJsonBody(ctx);
      const props = obj(body, 'thingGroupProperties');
      const payload = props && obj(props, 'attributePayload', 'thingGroupProperties.attributePayload');
      const group = registry.createGroup({
        thingGroupName: name,
        parentGroupName: str(body, 'parentGroupName', J.thingGroupName),
        description: props && str(props, 'thingGroupDescription', J.thingGroupDescription, 'thingGroupProperties.thingGroupDescription'),
        attributes: payload && stringMap(payload, 'attributes', J.attributeName, J.attributeValue, 'thingGroupProperties.attributePayload.attributes'),
      });
      return jsonReply({ thingGroupName: name, thingGroupArn: registry.groupArn(name), thingGroupId: group.thingGroupId });
    }),
    r('GET', '/thing-groups/{thingGroupName}', 'DescribeThingGroup', (ctx) => {
      const g = registry.group(groupName(ctx));
      const root = registry.ancestors(g.thingGroupName).reverse();
      return jsonReply({
        thingGroupName: g.thingGroupName,
        thingGroupId: g.thingGroupId,
        thingGroupArn: registry.groupArn(g.thingGroupName),
        version: g.version,
        thingGroupProperties: { thingGroupDescription: g.description, attributePayload: { attributes: g.attributes } },
        thingGroupMetadata: { parentGroupName: g.parentGroupName, rootToParentThingGroups: root.map((n) => ({ groupName: n, groupArn: registry.groupArn(n) })), creationDate: seconds(g.creationDate) },
      });
    }),
    r('PUT', '/thing-groups/addThingToThingGroup', 'AddThingToThingGroup', (ctx) => {
      const body = parseJsonBody(ctx);
      const group = nameOf(str(body, 'thingGroupName', J.thingGroupName), str(body, 'thingGroupArn'), registry.groupArn(''), 'thingGroup');
      const thing = nameOf(str(body, 'thingName', J.thingName), str(body, 'thingArn'), registry.thingArn(''), 'thing');
      registry.addThingToGroup(thing, group);
      return jsonReply({});
    }),
    r('GET', '/thing-groups/{thingGroupName}/things', 'ListThingsInThingGroup', (ctx) => {
      const size = queryInt(ctx.query, 'maxResults', J.listMaxResults.min, J.listMaxResults.max) ?? DEFAULT_PAGE_SIZE;
      const all = registry.thingsInGroup(groupName(ctx), queryBool(ctx.query, 'recursive') ?? false);
      const { page: items, next } = page(all, size, ctx.query.get('nextToken'));
      return jsonReply({ things: items, nextToken: next });
    }),
  ];
}

/** A name given directly or as an ARN of this account and region (`arnPrefix` ends with `/`). */
function nameOf(name: string | undefined, arn: string | undefined, arnPrefix: string, what: string): string {
  if (name !== undefined && arn !== undefined) throw invalidRequest(`Specify ${what}Name or ${what}Arn, not both`);
  if (name !== undefined) return name;
  if (arn === undefined) throw invalidRequest(`${what}Name or ${what}Arn is required`);
  if (!arn.startsWith(arnPrefix)) throw invalidRequest(`${what}Arn ${arn} is not a ${what} ARN of this account and region`);
  return arn.slice(arnPrefix.length);
}
