import { describe, expect, it } from 'vitest';
import { IOT } from '../../lib/release/constraints';
import { optObject, optString, optStringMap, queryInt } from '../../local/twin/core/validate';
import { obj, queryInt as iotQueryInt, str, stringMap } from '../../local/twin/fleet/things/input';

/** The twin's member checks are written once; each service's model decides the error and its words. */
describe('twin member checks', () => {
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as { status: number; code: string; message: string };
    }
    throw new Error('expected a throw');
  };
  const at = (member: string, problem: string) => `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member ${problem}`;

  it('the Software Package Catalog and OpenSearch answer ValidationException, IoT things and jobs InvalidRequestException, with the same message', () => {
    expect(thrown(() => optString({ versionName: 7 }, 'versionName'))).toMatchObject({ status: 400, code: 'ValidationException', message: at('versionName', 'must be a string') });
    expect(thrown(() => str({ thingName: 7 }, 'thingName'))).toMatchObject({ status: 400, code: 'InvalidRequestException', message: at('thingName', 'must be a string') });
    expect(thrown(() => queryInt(new URLSearchParams('maxResults=0'), 'maxResults', 1, 100)).code).toBe('ValidationException');
    expect(thrown(() => iotQueryInt(new URLSearchParams('maxResults=0'), 'maxResults', 1, 100))).toMatchObject({ code: 'InvalidRequestException', message: at('maxResults', 'must be between 1 and 100') });
  });

  it('names a wrong-typed structure in each model\'s words, and checks map keys and values', () => {
    expect(thrown(() => optObject({ attributes: [] }, 'attributes')).message).toBe(at('attributes', 'must be an object'));
    expect(thrown(() => obj({ abortConfig: 'x' }, 'abortConfig')).message).toBe(at('abortConfig', 'must be a structure'));
    expect(optStringMap({ attributes: { build: '42' } }, 'attributes', IOT.attributeKey, IOT.attributeValue)).toEqual({ build: '42' });
    expect(thrown(() => stringMap({ tags: { k: 1 } }, 'tags', IOT.tagKey, IOT.tagValue)).message).toBe(at('tags.k', 'must be a string'));
  });
});
