import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes `file` whole or not at all: the data goes to a temporary file beside it, which is then
 * renamed over it (atomic on one file system), so a reader never sees half a file and a killed
 * process leaves the previous version. The temporary name carries the pid: two processes writing
 * the same file never share one.
 */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
