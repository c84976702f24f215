/**
 * clientToken replay for the IoT stand-in, scoped per (operation, resource): the same token with
 * the same request returns the first response and changes nothing; with a different request it is
 * a ConflictException 409. Attempts that failed are not remembered (they changed nothing).
 * Tokens never expire here (the real retention window is not documented).
 */
import { ServiceError } from './http';
import type { Json } from './validate';

interface TokenRecord {
  fingerprint: string;
  response: Json;
}

export type ClientTokensJson = [string, TokenRecord][];

/** JSON with sorted keys and no undefined members: equal requests give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class ClientTokens {
  private readonly records = new Map<string, TokenRecord>();

  /**
   * Runs `apply` once per (operation, resource, token). `request` is what makes two calls "the
   * same" (path labels and body). Without a token, `apply` simply runs.
   */
  run(operation: string, resource: string, token: string | null, request: unknown, apply: () => Json): { response: Json; replayed: boolean } {
    if (token === null) return { response: apply(), replayed: false };
    const key = `${operation} ${resource} ${token}`;
    const fingerprint = canonicalJson(request);
    const seen = this.records.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new ServiceError(409, 'ConflictException', `clientToken ${token} was already used for a different ${operation} request on ${resource}`, { resourceId: resource });
      }
      return { response: seen.response, replayed: true };
    }
    // Stored as JSON (undefined members dropped) so a replay is byte-for-byte the first response.
    const response = JSON.parse(JSON.stringify(apply())) as Json;
    this.records.set(key, { fingerprint, response });
    return { response, replayed: false };
  }

  exportState(): ClientTokensJson {
    return [...this.records];
  }

  importState(state: ClientTokensJson): void {
    this.records.clear();
    for (const [k, v] of state) this.records.set(k, v);
  }
}
