import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type PackagesConfig, parsePackagesConfig } from '../../lib/release/config';
import { OPENSEARCH } from '../../lib/release/constraints';
import { UsageError } from '../errors';

/**
 * Which package configuration a local command uses, in order: `--config <file>`; the project's
 * `config/packages.json` (what is deployed); else the state dir's own `config.json`, which
 * `local publish` extends on a package's first release so that trying things needs no set-up.
 */
export const PROJECT_CONFIG = 'config/packages.json';
const STATE_CONFIG = 'config.json';

export interface ConfigSource {
  file: string;
  /** Only the state dir's own configuration is extended by `local publish`; a project's is the user's. */
  extendable: boolean;
}

export function configSource(stateDir: string, explicit?: string): ConfigSource {
  if (explicit) return { file: resolve(explicit), extendable: false };
  if (existsSync(PROJECT_CONFIG)) return { file: resolve(PROJECT_CONFIG), extendable: false };
  return { file: resolve(stateDir, STATE_CONFIG), extendable: true };
}

/** The state dir's own configuration, whatever the project has (demo and scenarios use fresh ones). */
export function stateConfigSource(stateDir: string): ConfigSource {
  return { file: resolve(stateDir, STATE_CONFIG), extendable: true };
}

export function readConfig(source: ConfigSource): PackagesConfig {
  if (!existsSync(source.file)) {
    if (source.extendable) return { packages: {} };
    throw new UsageError(`${source.file}: no such file: check --config`);
  }
  try {
    return parsePackagesConfig(readFileSync(source.file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${source.file}: ${(e as Error).message.replace(/^PACKAGES_CONFIG /, '').replace(/; fix config\/packages\.json and redeploy$/, '')}`);
  }
}

/**
 * The configuration with `packageName` in it: added to an extendable configuration (with its
 * OpenSearch package name), required in a project's.
 */
export function configureFor(source: ConfigSource, packageName: string, opensearchPackage?: string): PackagesConfig {
  const config = readConfig(source);
  if (config.packages[packageName]) return config;
  if (!source.extendable) {
    throw new UsageError(`package "${packageName}" is not in ${source.file}: add it under "packages" (only configured packages can be released)`);
  }
  config.packages[packageName] = { opensearchPackage: opensearchPackage ?? defaultOpenSearchName(packageName) };
  mkdirSync(dirname(source.file), { recursive: true });
  writeFileSync(source.file, `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** A valid OpenSearch package name for an IoT package name (lower-case letters, digits, hyphens). */
export function defaultOpenSearchName(packageName: string): string {
  let name = packageName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
  if (name.length < OPENSEARCH.packageName.min) name = `pkg-${name}`.replace(/-+$/, '') || 'pkg-release';
  return name.slice(0, OPENSEARCH.packageName.max);
}

export function stateConfigPath(stateDir: string): string {
  return join(stateDir, STATE_CONFIG);
}
