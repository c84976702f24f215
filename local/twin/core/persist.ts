/**
 * The twin's state directory: one JSON file per stand-in plus content-addressed S3 bodies, so a
 * CLI run of 1.0.0 and a later run of 1.1.0 see the same catalog. Writes are coalesced (one flush
 * per burst of changes, on the next event-loop turn) and atomic (write a temp file, then rename).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';

export class StateDir {
  private readonly blobDir: string;
  private readonly writtenBlobs = new Set<string>();
  private readonly dirty = new Map<string, () => unknown>();
  private scheduled: NodeJS.Immediate | undefined;

  constructor(readonly dir: string) {
    this.blobDir = join(dir, 's3-objects');
    mkdirSync(this.blobDir, { recursive: true });
  }

  readJson<T>(name: string): T | undefined {
    const file = join(this.dir, name);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  }

  /** Marks `name` for writing; `produce` is called at flush time, so it sees the latest state. */
  schedule(name: string, produce: () => unknown): void {
    this.dirty.set(name, produce);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const pending = [...this.dirty];
    this.dirty.clear();
    for (const [name, produce] of pending) writeFileAtomic(join(this.dir, name), JSON.stringify(produce(), null, 1));
  }

  writeBlob(hash: string, body: Buffer): void {
    if (this.writtenBlobs.has(hash)) return;
    const file = join(this.blobDir, hash);
    if (!existsSync(file)) writeFileAtomic(file, body);
    this.writtenBlobs.add(hash);
  }

  readBlob(hash: string): Buffer {
    this.writtenBlobs.add(hash);
    return readFileSync(join(this.blobDir, hash));
  }
}
