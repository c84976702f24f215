/**
 * aws-local-stepfunctions uses `Promise.withResolvers` (Node ≥ 22). Node 20 (supported from 20.19)
 * lacks it, so provide it before the engine is loaded. Standard behaviour, per the TC39 proposal.
 */
const P = Promise as unknown as { withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
export {};
