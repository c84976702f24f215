import type { IncomingMessage } from 'node:http';

/** The names and addresses of this machine a client may put in the Host header. */
export declare const LOOPBACK_HOSTS: readonly string[];
/** Why `req` is refused (a foreign Host or Origin), or undefined when it is for this machine and this port. */
export declare function foreignRequestReason(req: IncomingMessage): string | undefined;
