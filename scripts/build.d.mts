/** Types for scripts/build.mjs (the infra test imports it). */
import type { Plugin } from 'esbuild';

export interface BuildOptions {
  /** Project root; default: the directory above scripts/. */
  root?: string;
  /** Where the functions live, relative to root; default `functions`. */
  functionsDir?: string;
  /** Output directory for <dir>.zip, relative to root; default `dist`. */
  outDir?: string;
  /** Default true. */
  minify?: boolean;
}

export interface BuiltFunction {
  /** The functions/<dir> name; the zip is <outDir>/<name>.zip with one entry, index.mjs. */
  name: string;
  zipPath: string;
  bytes: number;
  bundleBytes: number;
  tooBig: boolean;
  /** The modules bundled (esbuild metafile paths, relative to root). */
  inputs: string[];
}

export const MAX_ZIP_BYTES: number;
/** Fails the build on a bundled import of classic zod (Lambda code uses zod/mini). */
export const noClassicZod: Plugin;
export function discoverFunctions(functionsDir: string): Promise<string[]>;
export function build(options?: BuildOptions): Promise<BuiltFunction[]>;
export function formatTable(built: BuiltFunction[]): string;
