#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npm ci` is the whole set-up (no build step).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
