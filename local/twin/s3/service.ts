/**
 * S3: buckets and versioned objects (store.ts) with their bodies kept as content-addressed blobs in
 * the state directory, behind the S3 REST API (api.ts).
 */
import { S3_MAX_REQUEST_BYTES } from '../core/limits';
import type { BodyLimit } from '../core/server';
import type { ServiceModel, TwinServiceDefinition } from '../core/service';
import { s3Protocol, s3Routes } from './api';
import { s3Error, type S3StateJson } from './model';
import type { S3Store } from './store';

/** S3's own answer to a body over its limit (there 5 GiB; here core/limits.ts says why less). */
export const S3_BODY_LIMIT: BodyLimit = {
  bytes: S3_MAX_REQUEST_BYTES,
  error: (limit, size) =>
    s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size (the twin holds bodies in memory: upload larger objects in parts)', {
      ...(size !== undefined && { ProposedSize: String(size) }),
      MaxSizeAllowed: String(limit),
    }),
};

/** The store as a service model: bodies go to the state directory's blobs, the rest to s3.json. */
function s3Model(store: S3Store): ServiceModel<S3StateJson, { buckets: string[] }> {
  return {
    view: () => ({ buckets: store.listBuckets().map((b) => b.name) }),
    exportState: (blobs) => {
      const { state, bodies } = store.exportState();
      for (const [hash, body] of bodies) blobs.writeBlob(hash, body);
      return state;
    },
    importState: (state, blobs) => store.importState(state, (hash) => blobs.readBlob(hash)),
    get onChange() {
      return store.onChange;
    },
    set onChange(listener) {
      store.onChange = listener;
    },
  };
}

export function s3Service(store: S3Store): TwinServiceDefinition {
  return {
    models: [{ file: 's3.json', model: s3Model(store) }],
    endpoints: [{ key: 's3', envVar: 'AWS_ENDPOINT_URL_S3', service: 's3', protocol: s3Protocol, routes: s3Routes(store), bodyLimit: S3_BODY_LIMIT }],
  };
}
