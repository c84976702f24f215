/**
 * Device Shadow documents (classic and named) per thing: merge semantics of UpdateThingShadow
 * (objects merge, `null` deletes), versions, per-field metadata timestamps and the delta.
 */
import { ServiceError } from '../../core/http';

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
type JsonObject = { [k: string]: JsonValue };

export interface ShadowDocument {
  state: { desired?: JsonObject; reported?: JsonObject };
  metadata: { desired?: JsonObject; reported?: JsonObject };
  version: number;
  /** Epoch seconds of the last update. */
  timestamp: number;
}

export interface ShadowsStateJson {
  /** [thingName, shadowName ('' for the classic shadow), document] */
  shadows: [string, string, ShadowDocument][];
}

/** docs: the state of a shadow document is at most 8 KB. */
export const SHADOW_STATE_MAX_BYTES = 8 * 1024;

const key = (thing: string, shadow: string) => `${thing}\u0000${shadow}`;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ShadowStore {
  private readonly docs = new Map<string, { thing: string; shadow: string; doc: ShadowDocument }>();
  onChange: () => void = () => {};
  /** Every accepted update (the fleet index re-reads the thing). */
  onUpdate: (thingName: string, shadowName: string) => void = () => {};

  constructor(private readonly now: () => number = Date.now) {}

  get(thing: string, shadow = ''): ShadowDocument | undefined {
    return this.docs.get(key(thing, shadow))?.doc;
  }

  /** Names of a thing's named shadows, sorted. */
  namedShadows(thing: string): string[] {
    return [...this.docs.values()].filter((d) => d.thing === thing && d.shadow !== '').map((d) => d.shadow).sort();
  }

  /**
   * Applies an UpdateThingShadow payload (`{state: {desired?, reported?}, version?}`); returns the
   * accepted document as the service answers it (the state and metadata that changed).
   */
  update(thing: string, shadow: string, payload: unknown): JsonObject {
    if (!isObject(payload) || !isObject(payload.state)) throw new ServiceError(400, 'InvalidRequestException', 'Missing required node: state');
    const { desired, reported } = payload.state;
    for (const [name, part] of [['desired', desired], ['reported', reported]] as const) {
      if (part !== undefined && part !== null && !isObject(part)) throw new ServiceError(400, 'InvalidRequestException', `State node ${name} must be an object`);
    }
    const existing = this.get(thing, shadow);
    if (payload.version !== undefined && payload.version !== (existing?.version ?? 0)) {
      throw new ServiceError(409, 'ConflictException', 'Version conflict');
    }
    const ts = Math.floor(this.now() / 1000);
    const doc: ShadowDocument = existing ? structuredClone(existing) : { state: {}, metadata: {}, version: 0, timestamp: ts };
    for (const part of ['desired', 'reported'] as const) {
      const change = payload.state[part];
      if (change === undefined) continue;
      if (change === null) {
        delete doc.state[part];
        delete doc.metadata[part];
        continue;
      }
      doc.state[part] = merge(doc.state[part] ?? {}, change as JsonObject);
      doc.metadata[part] = merge(doc.metadata[part] ?? {}, stamp(change as JsonObject, ts));
      if (Object.keys(doc.state[part]!).length === 0) {
        delete doc.state[part];
        delete doc.metadata[part];
      }
    }
    if (Buffer.byteLength(JSON.stringify(doc.state)) > SHADOW_STATE_MAX_BYTES) {
      throw new ServiceError(413, 'RequestEntityTooLargeException', `The shadow state exceeds ${SHADOW_STATE_MAX_BYTES} bytes`);
    }
    doc.version += 1;
    doc.timestamp = ts;
    this.docs.set(key(thing, shadow), { thing, shadow, doc });
    this.onChange();
    this.onUpdate(thing, shadow);
    const metadata: JsonObject = {};
    for (const part of ['desired', 'reported'] as const) {
      const change = payload.state[part];
      if (isObject(change)) metadata[part] = stamp(change, ts);
    }
    return { state: payload.state as JsonValue, metadata, version: doc.version, timestamp: ts };
  }

  /** GetThingShadow's document: state (with the delta), metadata, version, timestamp. */
  read(thing: string, shadow: string): JsonObject | undefined {
    const doc = this.get(thing, shadow);
    if (!doc) return undefined;
    const state: JsonObject = { ...doc.state };
    const d = doc.state.desired ? delta(doc.state.desired, doc.state.reported ?? {}) : undefined;
    if (d && Object.keys(d).length > 0) state.delta = d;
    return { state, metadata: doc.metadata as JsonObject, version: doc.version, timestamp: doc.timestamp };
  }

  exportState(): ShadowsStateJson {
    return { shadows: [...this.docs.values()].map((d) => [d.thing, d.shadow, d.doc]) };
  }

  importState(state: ShadowsStateJson): void {
    this.docs.clear();
    for (const [thing, shadow, doc] of state.shadows) this.docs.set(key(thing, shadow), { thing, shadow, doc });
  }
}

/** Objects merge key by key; `null` deletes; anything else (arrays too) replaces. */
function merge(base: JsonObject, change: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = merge(out[k] as JsonObject, v);
    else out[k] = v;
  }
  return out;
}

/** The metadata of a change: every leaf becomes `{timestamp}`. */
function stamp(change: JsonObject, ts: number): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(change)) out[k] = isObject(v) ? stamp(v, ts) : v === null ? null : { timestamp: ts };
  return out;
}

/** Desired values that differ from the reported ones. */
function delta(desired: JsonObject, reported: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(desired)) {
    const r = reported[k];
    if (isObject(v) && isObject(r)) {
      const d = delta(v, r);
      if (Object.keys(d).length > 0) out[k] = d;
    } else if (JSON.stringify(v) !== JSON.stringify(r)) out[k] = v;
  }
  return out;
}
