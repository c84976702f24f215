// The Lambda thread's entry point (plain JS, so Node can start it as a Worker): the handlers are
// TypeScript, loaded through tsx as bin/pkgrelease.js loads the CLI.
const { register } = await import('tsx/esm/api');
register();
await import('./serve-invocations.ts');
