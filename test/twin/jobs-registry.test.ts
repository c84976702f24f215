import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddThingToThingGroupCommand, CreateThingCommand, CreateThingGroupCommand, DescribeThingCommand, DescribeThingGroupCommand, type IoTClient, ListThingsInThingGroupCommand } from '@aws-sdk/client-iot';
import { startTwin, type Twin } from '../../local/twin';
import { failure } from './helpers';
import { fleetClients, thingArn } from './fleet-helpers';

let twin: Twin;
let iot: IoTClient;

beforeAll(async () => {
  twin = await startTwin({ seed: 3 });
  ({ iot } = fleetClients(twin));
});
afterAll(async () => {
  iot.destroy();
  await twin.close();
});

describe('IoT registry stand-in: things and static thing groups', () => {
  it('creates things and nested groups, adds things by name and ARN, lists them (recursive too)', async () => {
    const thing = await iot.send(new CreateThingCommand({ thingName: 'dev-1', attributePayload: { attributes: { model: 'x1' } } }));
    expect(thing).toMatchObject({ thingName: 'dev-1', thingArn: thingArn(twin, 'dev-1') });
    expect(thing.thingId).toMatch(/^[0-9a-f-]{36}$/);
    await iot.send(new CreateThingCommand({ thingName: 'dev-2' }));
    const fleet = await iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet', thingGroupProperties: { thingGroupDescription: 'all devices' } }));
    expect(fleet.thingGroupArn).toBe(`arn:aws:iot:us-east-1:000000000000:thinggroup/fleet`);
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'canary', parentGroupName: 'fleet' }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'canary', thingName: 'dev-1' }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupArn: fleet.thingGroupArn, thingArn: thingArn(twin, 'dev-2') }));

    expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'fleet' }))).things).toEqual(['dev-2']);
    expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'fleet', recursive: true }))).things).toEqual(['dev-1', 'dev-2']);
    const canary = await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'canary' }));
    expect(canary.thingGroupMetadata).toMatchObject({ parentGroupName: 'fleet', rootToParentThingGroups: [{ groupName: 'fleet', groupArn: fleet.thingGroupArn }] });
    expect(canary.thingGroupMetadata?.creationDate).toBeInstanceOf(Date);
    expect(await iot.send(new DescribeThingCommand({ thingName: 'dev-1' }))).toMatchObject({ thingName: 'dev-1', attributes: { model: 'x1' }, version: 1 });
  });

  it('creating the same thing again is no change; with other attributes it already exists', async () => {
    await iot.send(new CreateThingCommand({ thingName: 'same' }));
    await iot.send(new CreateThingCommand({ thingName: 'same' }));
    const err = await failure(iot.send(new CreateThingCommand({ thingName: 'same', attributePayload: { attributes: { a: 'b' } } })));
    expect(err.name).toBe('ResourceAlreadyExistsException');
    expect(err.$metadata.httpStatusCode).toBe(409);
  });

  it('answers unknown things and groups with ResourceNotFoundException and bad names with InvalidRequestException', async () => {
    expect((await failure(iot.send(new DescribeThingCommand({ thingName: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await failure(iot.send(new DescribeThingGroupCommand({ thingGroupName: 'nope' })))).$metadata.httpStatusCode).toBe(404);
    expect((await failure(iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'nope', thingName: 'dev-1' })))).name).toBe('ResourceNotFoundException');
    const bad = await failure(iot.send(new CreateThingCommand({ thingName: 'has space' })));
    expect(bad.name).toBe('InvalidRequestException');
    expect(bad.message).toContain("'thingName'");
  });
});
