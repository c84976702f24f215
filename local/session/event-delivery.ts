import { BUILDS_PREFIX, KEY_CONVENTION, RELEASES_PREFIX } from '../../lib/release/key-convention';
import { SBOMS_PREFIX } from '../../lib/release/sbom/source';
import { invokeLocally, type LocalFunction, SBOM_ARRIVED_FUNCTION, TRIGGER_FUNCTION } from '../engine/functions';
import { LOCAL_BUCKET } from './account';

/**
 * S3 → EventBridge → trigger Lambda, as the deployed stack wires it: an "Object Created" event for
 * every object under releases/ in the artifact bucket, delivered at least once, retried as Lambda
 * retries an asynchronous event, and kept in a dead-letter list when every attempt failed.
 */
export interface CreatedObject {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
}

/** Keys the session itself writes into the artifact bucket (never releases). */
const INTERNAL_PREFIXES = ['opensearch-init/', 'staging/'];
/** Lambda's asynchronous invocation retries a failed event twice before its on-failure destination. */
const ASYNC_RETRIES = 2;

export interface EventDeliveryOptions {
  region: string;
  accountId: string;
  /** Scales Lambda's retry delays (about 1 and then 2 minutes), as the session scales the ASL's. */
  timeScale: number;
  /** Called before each delivery (a configuration changed while serving applies to the next event). */
  beforeDelivery?: () => void;
  /** An object landed in the artifact bucket and no release started for it, and why. */
  onNotReleased?: (key: string, reason: string) => void;
}

export class EventDelivery {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The trigger's dead-letter queue: events whose delivery failed after Lambda's async retries. */
  readonly triggerErrors: { key: string; error: string; message: string }[] = [];

  constructor(private readonly options: EventDeliveryOptions) {}

  /** The EventBridge rules: the artifact bucket's releases/ keys start a release; sboms/ keys go to sbomArrived. */
  objectCreated(e: CreatedObject): void {
    if (e.bucket !== LOCAL_BUCKET || INTERNAL_PREFIXES.some((p) => e.key.startsWith(p))) return;
    if (e.key.startsWith(RELEASES_PREFIX)) {
      this.deliver(e, 1);
      return;
    }
    // The second rule: an SBOM for a version that is released already (docs/sbom.md).
    if (e.key.startsWith(SBOMS_PREFIX)) {
      this.deliver(e, 1, SBOM_ARRIVED_FUNCTION);
      return;
    }
    const builds = e.key.startsWith(BUILDS_PREFIX) ? ` (${BUILDS_PREFIX} holds artifacts released by a manifest: pkgrelease start --manifest)` : '';
    this.options.onNotReleased?.(e.key, `no release started: only keys ${KEY_CONVENTION} trigger one${builds}`);
  }

  /** Delivers "Object Created" for `e` to the trigger Lambda, `copies` times (at-least-once). */
  deliver(e: CreatedObject, copies: number, fn: LocalFunction = TRIGGER_FUNCTION): void {
    this.options.beforeDelivery?.();
    for (let i = 0; i < copies; i++) {
      const event = objectCreatedEvent(e, this.options.region, this.options.accountId);
      const delivery = this.invokeAsync(fn, event).catch((err: Error) => {
        this.triggerErrors.push({ key: e.key, error: err.name, message: err.message });
        this.options.onNotReleased?.(e.key, `no release started: the trigger failed with ${err.name}: ${err.message}`);
      });
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** Waits until every delivered event has been handled (or given up on). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async invokeAsync(fn: LocalFunction, event: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await invokeLocally(fn, event, 30);
      } catch (err) {
        if (attempt >= ASYNC_RETRIES) throw err;
        // Lambda retries a failed asynchronous event after about 1 and then 2 minutes.
        await new Promise((r) => setTimeout(r, 60_000 * (attempt + 1) * this.options.timeScale));
      }
    }
  }
}

/** The EventBridge "Object Created" event S3 sends (shape of shared/aws-events), key form-encoded. */
export function objectCreatedEvent(e: CreatedObject, region: string, account: string) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region,
    resources: [`arn:aws:s3:::${e.bucket}`],
    detail: {
      version: '0',
      bucket: { name: e.bucket },
      object: { key: encodeURIComponent(e.key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: e.size, etag: e.etag.replace(/"/g, ''), 'version-id': e.versionId, sequencer: Date.now().toString(16).toUpperCase() },
      'request-id': crypto.randomUUID().slice(0, 16).toUpperCase(),
      requester: account,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}
