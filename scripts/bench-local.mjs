#!/usr/bin/env node
// Measures the local twin on this machine: wall time of `pkgrelease local demo` (two releases on a
// fresh state dir, process start included) and of `local run examples/scenario.json`, repeated;
// prints median / min / max. Machines here are noisy: compare medians, not single runs.
//   node scripts/bench-local.mjs [runs=5]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const commands = {
  'local demo': ['bin/pkgrelease.js', 'local', 'demo', '--json'],
  'local run examples/scenario.json': ['bin/pkgrelease.js', 'local', 'run', 'examples/scenario.json', '--json'],
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, args] of Object.entries(commands)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync('node', args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`${name.padEnd(34)} runs=${runs}  median ${median(times).toFixed(0)} ms  min ${Math.min(...times).toFixed(0)} ms  max ${Math.max(...times).toFixed(0)} ms`);
}
