/**
 * Input checks shared by the IoT and OpenSearch stand-ins. Both model `ValidationException` (400);
 * messages name the member like the real services do ("Value at 'versionName' failed to satisfy
 * constraint: ..."), without echoing the value (several members are modelled as sensitive).
 */
import { checkString, type StringConstraint } from '../../../lib/release/constraints';
import { ServiceError } from './http';

export function validationError(member: string, problem: string): ServiceError {
  return new ServiceError(
    400,
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member ${problem}`,
  );
}

export type Json = Record<string, unknown>;

/** What a service answers for one bad member: `member` is its path, `problem` what is wrong with it. */
export type MemberError = (member: string, problem: string) => ServiceError;

/**
 * The member checks of a REST-JSON stand-in, raising its service's error for bad input: the
 * Software Package Catalog and OpenSearch model ValidationException (below), IoT's things, jobs and
 * fleet index InvalidRequestException (local/twin/fleet/things/input.ts). A wrong-typed structure
 * is "an object" in one model's words and "a structure" in the other's.
 */
export function memberChecks(error: MemberError, structure: 'an object' | 'a structure') {
  /** Checks a string against a model constraint; throws naming `member`. */
  const check = (value: string, c: StringConstraint, member: string): string => {
    const problem = checkString(value, c);
    if (problem) throw error(member, problem);
    return value;
  };
  const str = (obj: Json, member: string, c?: StringConstraint, path = member): string | undefined => {
    const value = obj[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw error(path, 'must be a string');
    return c ? check(value, c, path) : value;
  };
  const reqStr = (obj: Json, member: string, c?: StringConstraint, path = member): string => {
    const value = str(obj, member, c, path);
    if (value === undefined) throw error(path, 'must not be null');
    return value;
  };
  const bool = (obj: Json, member: string, path = member): boolean | undefined => {
    const value = obj[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw error(path, 'must be a boolean');
    return value;
  };
  const obj = (o: Json, member: string, path = member): Json | undefined => {
    const value = o[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw error(path, `must be ${structure}`);
    return value as Json;
  };
  const oneOf = <T extends string>(o: Json, member: string, values: readonly T[], path = member): T | undefined => {
    const value = str(o, member, undefined, path);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value)) throw error(path, `must satisfy enum value set: [${values.join(', ')}]`);
    return value as T;
  };
  /** A `map<string,string>` member: every key and value checked against its constraint. */
  const stringMap = (o: Json, member: string, keyC: StringConstraint, valueC: StringConstraint, path = member): Record<string, string> | undefined => {
    const map = obj(o, member, path);
    if (!map) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(map)) {
      check(k, keyC, `${path}.key`);
      if (typeof v !== 'string') throw error(`${path}.${k}`, 'must be a string');
      out[k] = check(v, valueC, `${path}.${k}`);
    }
    return out;
  };
  /** An integer query parameter such as maxResults, within [min, max]. */
  const queryInt = (query: URLSearchParams, name: string, min: number, max: number): number | undefined => {
    const raw = query.get(name);
    if (raw === null || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw error(name, 'must be an integer');
    if (n < min || n > max) throw error(name, `must be between ${min} and ${max}`);
    return n;
  };
  return { check, str, reqStr, bool, obj, oneOf, stringMap, queryInt };
}

const validation = memberChecks(validationError, 'an object');
export const checkMember = validation.check;
export const optString = validation.str;
export const reqString = validation.reqStr;
export const optBoolean = (obj: Json, member: string) => validation.bool(obj, member);
export const optObject = validation.obj;
export const optEnum = <T extends string>(obj: Json, member: string, values: readonly T[]) => validation.oneOf(obj, member, values);
export const optStringMap = (obj: Json, member: string, keyC: StringConstraint, valueC: StringConstraint) => validation.stringMap(obj, member, keyC, valueC);
export const queryInt = validation.queryInt;

/** Opaque pagination tokens: base64url of the offset. Anything else is a ValidationException. */
export function encodeToken(offset: number): string {
  return Buffer.from(`twin:${offset}`).toString('base64url');
}

export function decodeToken(token: string | undefined | null, member: string): number {
  if (token === undefined || token === null || token === '') return 0;
  const m = /^twin:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw validationError(member, 'is not a valid pagination token');
  return Number(m[1]);
}

/** One page of `items` from a token, plus the token for the next page when there is one. */
export function paginate<T>(items: T[], pageSize: number, token: string | undefined | null, member: string) {
  const start = decodeToken(token, member);
  const page = items.slice(start, start + pageSize);
  const next = start + pageSize < items.length ? encodeToken(start + pageSize) : undefined;
  return { page, next };
}
