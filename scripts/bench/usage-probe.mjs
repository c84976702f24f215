/**
 * Preloaded (`node --import`) into the process under measurement: at exit, writes its own CPU time
 * and peak RSS (getrusage, all threads) to the file named by PKGRELEASE_BENCH_USAGE.
 */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(process.env.PKGRELEASE_BENCH_USAGE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }));
});
