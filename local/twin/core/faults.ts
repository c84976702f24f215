/**
 * Seeded fault injection for the twin's stand-ins. A run with the same seed, the same rules and the
 * same sequence of calls makes exactly the same decisions, so a failing scenario can be replayed.
 */
import * as z from 'zod';

export const FAULT_KINDS = ['throttle', 'error5xx', 'latency', 'lostResponse', 'associationFailed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Outcome faults: the call succeeds, and the asynchronous work it starts fails later.
 * `associationFailed`: the association ends ASSOCIATION_FAILED with ErrorDetails.
 */
export const OUTCOME_FAULTS: Readonly<Partial<Record<FaultKind, readonly string[]>>> = {
  associationFailed: ['es:AssociatePackage', 'es:AssociatePackages'],
};

/** `*`, `iot:*`, or `service:Operation` with the service prefixes the call recorder uses. */
const OPERATION_PATTERN = /^(\*|(iot|iot-data|es|s3):(\*|[A-Za-z0-9]+))$/;

export const faultRuleSchema = z
  .strictObject({
    operation: z
      .string()
      .regex(OPERATION_PATTERN, 'operation must be "*", "<service>:*" or "<service>:<Operation>" (service: iot, iot-data, es, s3)'),
    kind: z.enum(FAULT_KINDS),
    /** Fault only the first N matching calls (with `probability`: at most N faults in total). */
    times: z.number().int().positive().optional(),
    /** Fault each matching call with this probability (drawn from the seeded PRNG). */
    probability: z.number().min(0).max(1).optional(),
    /** Delay for `latency` faults; defaults to DEFAULT_LATENCY_MS. */
    latencyMs: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.kind === 'latency' || r.latencyMs === undefined, {
    message: 'latencyMs only applies to kind "latency"',
    path: ['latencyMs'],
  })
  .refine((r) => OUTCOME_FAULTS[r.kind]?.includes(r.operation) ?? true, {
    message: `kind "associationFailed" needs operation ${OUTCOME_FAULTS.associationFailed!.map((o) => `"${o}"`).join(' or ')}`,
    path: ['operation'],
  });

export const faultRulesSchema = z.array(faultRuleSchema);
export type FaultRule = z.infer<typeof faultRuleSchema>;

export const DEFAULT_LATENCY_MS = 100;

/** mulberry32: tiny, fast, good enough for test decisions; the whole state is one uint32. */
export class Prng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

/** Derives independent PRNG streams from one seed, so adding a fault rule never changes S3 version ids. */
export function deriveSeed(seed: number, stream: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const ch of stream) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** What happens to one call: optional delay, then optionally a fault before or after the handler. */
export interface FaultDecision {
  latencyMs: number;
  /**
   * throttle / error5xx: the handler is not run. lostResponse: it is run, then the caller gets a 5xx.
   * associationFailed: the handler is run and told (RequestContext.outcomeFault).
   */
  fault?: Exclude<FaultKind, 'latency'>;
}

export function operationMatches(pattern: string, operation: string): boolean {
  if (pattern === '*' || pattern === operation) return true;
  return pattern.endsWith(':*') && operation.startsWith(pattern.slice(0, -1));
}

export class FaultInjector {
  private readonly prng: Prng;
  private rules: { rule: FaultRule; fired: number }[] = [];

  constructor(seed: number, rules: FaultRule[] = []) {
    this.prng = new Prng(deriveSeed(seed, 'faults'));
    this.setRules(rules);
  }

  /** Replaces the rules (validated) and restarts their `times` counters. */
  setRules(rules: FaultRule[]): void {
    this.rules = faultRulesSchema.parse(rules).map((rule) => ({ rule, fired: 0 }));
  }

  /**
   * Rules are evaluated in order. Latency rules add up; the first throttle / error5xx / lostResponse /
   * outcome rule that fires wins, and later non-latency rules are not evaluated (so they neither consume
   * their `times` budget nor draw from the PRNG).
   */
  decide(operation: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const entry of this.rules) {
      const { rule } = entry;
      if (!operationMatches(rule.operation, operation)) continue;
      if (rule.kind !== 'latency' && decision.fault) continue;
      if (rule.times !== undefined && entry.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.prng.next() >= rule.probability) continue;
      entry.fired++;
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? DEFAULT_LATENCY_MS;
      else decision.fault = rule.kind;
    }
    return decision;
  }
}
