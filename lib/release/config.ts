import * as z from '../validation/zod';
import { checkString, IOT, OPENSEARCH } from './constraints';
import { DEFAULT_VERSION_POLICIES } from './default-version-policy';
import { InvalidRelease } from './errors';
import { RolloutConfigInvalid } from './rollout/errors';
import { RolloutSettingsShape } from './rollout/settings';
import { SbomSettingsShape } from './sbom/settings';

/**
 * Per-package configuration (`config/packages.json`, deployed as the PACKAGES_CONFIG environment
 * variable). Only configured packages can be released: an upload for an unknown package fails fast.
 */

// --- domains ------------------------------------------------------------------------------------
export const DOMAIN_SELECTIONS = ['associated', 'none'] as const;
export type DomainSelection = (typeof DOMAIN_SELECTIONS)[number] | string[];
/** ZIP-PLUGIN association runs a blue/green deployment: it takes much longer than a dictionary's. */
export const DEFAULT_DOMAIN_WAIT_MINUTES = { 'ZIP-PLUGIN': 90, other: 20 } as const;
/** Bounded by the state machine's overall timeout (see statemachines/release.asl.json). */
export const MAX_DOMAIN_WAIT_MINUTES = 110;
const DOMAIN_REF_MESSAGE = 'must be a domain name (^[a-z][a-z0-9-]+$, 3–28 chars) or a domain ARN arn:aws:es:<region>:<account>:domain/<name>';

/** A domain name, or a domain ARN (which names the region and account it must be in). */
export function isDomainRef(ref: string): boolean {
  const m = OPENSEARCH.domainArn.pattern.exec(ref);
  return checkString(m ? m[3]! : ref, OPENSEARCH.domainName) === undefined;
}

/** The poll budget for one package: configured, else by package type. */
export function domainWaitMinutes(settings: PackageSettings, packageType: string | undefined): number {
  return settings.domainWaitMinutes ?? (packageType === 'ZIP-PLUGIN' ? DEFAULT_DOMAIN_WAIT_MINUTES['ZIP-PLUGIN'] : DEFAULT_DOMAIN_WAIT_MINUTES.other);
}
// --- end domains -----------------------------------------------------------------------------------

export const PackageSettingsSchema = z.strictObject({
  /** OpenSearch custom package this IoT package feeds; resolved by name on every run. Default: the IoT package name. */
  opensearchPackage: z.optional(z.string()),
  /** When the new version becomes the package's default. Default: `if-newer`. */
  defaultVersionPolicy: z.optional(z.enum(DEFAULT_VERSION_POLICIES)),
  /** Description used when neither the request nor the object metadata gives one. */
  description: z.optional(z.string()),
  /** Tags put on every new package version (request tags win on the same key). */
  tags: z.optional(z.record(z.string(), z.string())),
  // Who may release what (docs/deploy.md, "Security"): all off unless a package opts in.
  /** May object metadata (`x-amz-meta-recipe`) set the version's job document? Default: no. */
  allowRecipeFromMetadata: z.optional(z.boolean()),
  /** May a release manifest or request (`recipe`) set the version's job document? Default: no. */
  allowRecipeFromManifest: z.optional(z.boolean()),
  /** Wait for `pkgrelease approve` before Promote. Default: no. */
  requireApproval: z.optional(z.boolean()),
  // --- domains: which OpenSearch domains a release applies the update to ---------------
  /** `associated` (default): every domain ListDomainsForPackage reports; a list: these domains
   *  (associated when not yet); `none`: stop once the package is AVAILABLE. */
  domains: z.optional(
    z.union([z.enum(DOMAIN_SELECTIONS), z.array(z.string().check(z.refine(isDomainRef, DOMAIN_REF_MESSAGE))).check(z.minLength(1))]),
  ),
  /** How long CheckDomains waits for every domain to be ACTIVE, per run. Default by package type. */
  domainWaitMinutes: z.optional(z.number().check(z.int(), z.positive(), z.maximum(MAX_DOMAIN_WAIT_MINUTES))),
  // --- end domains --------------------------------------------------------------------------------
  ...SbomSettingsShape,
  ...RolloutSettingsShape,
});
export type PackageSettings = z.infer<typeof PackageSettingsSchema>;

/** A configured package: an IoT package name, and one segment of its keys (`releases/<package>/…`). */
const ConfiguredPackageName = z.string().check(
  z.refine((name) => checkString(name, IOT.packageName) === undefined && name !== '.' && name !== '..', {
    message: `a package name must match ${IOT.packageName.pattern.source} (${IOT.packageName.min}–${IOT.packageName.max} characters) and not be "." or ".."`,
  }),
);

export const PackagesConfigSchema = z
  .strictObject({
    $comment: z.optional(z.string()),
    packages: z.record(ConfiguredPackageName, PackageSettingsSchema),
  })
  .check(
    z.superRefine((config, ctx) => {
      // One OpenSearch package serves one IoT package's releases: "the highest version" is only
      // defined within one version line, and the lease orders the releases of one package.
      const feeders = new Map<string, string>();
      for (const [name, settings] of Object.entries(config.packages)) {
        const target = opensearchPackageOf(name, settings);
        const other = feeders.get(target);
        if (other !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['packages', name, 'opensearchPackage'], message: `OpenSearch package "${target}" is already fed by "${other}"; give each IoT package its own OpenSearch package` });
        }
        feeders.set(target, name);
      }
    }),
  );
export type PackagesConfig = z.infer<typeof PackagesConfigSchema>;

/** Parses configuration text; a broken configuration is a deployment error, reported as InvalidRelease. */
export function parsePackagesConfig(text: string | undefined): PackagesConfig {
  if (!text) return { packages: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidRelease(`PACKAGES_CONFIG is not valid JSON (${(e as Error).message}); fix config/packages.json and redeploy`);
  }
  const parsed = PackagesConfigSchema.safeParse(json);
  if (!parsed.success) {
    const message = `PACKAGES_CONFIG ${packagesConfigIssues(parsed.error)[0]}; fix config/packages.json and redeploy`;
    // A rollout mistake has its own name (the rollout's errors, docs/rollout.md).
    if (parsed.error.issues[0]?.path[2] === 'rollout') throw new RolloutConfigInvalid(message);
    throw new InvalidRelease(message);
  }
  return parsed.data;
}

/** `<path>: <what is wrong>` for each issue of a configuration (packaging prints them all). */
export function packagesConfigIssues(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => {
    // A bad package name is reported on its key, with the key schema's message inside.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return `${issue.path.join('.') || '(top level)'}: ${message}`;
  });
}

/** The OpenSearch package an IoT package feeds: its `opensearchPackage`, by default its own name. */
export function opensearchPackageOf(packageName: string, settings: Pick<PackageSettings, 'opensearchPackage'> | undefined): string {
  return settings?.opensearchPackage ?? packageName;
}

/**
 * PACKAGES_CONFIG, parsed once per text: every step reads it, some on every poll, and the
 * environment is the same for a Lambda's whole life (the local engine may change it between runs).
 */
let parsedEnv: { text: string | undefined; config: PackagesConfig } | undefined;
export function packagesConfigFromEnv(): PackagesConfig {
  const text = process.env.PACKAGES_CONFIG;
  if (parsedEnv && parsedEnv.text === text) return parsedEnv.config;
  const config = parsePackagesConfig(text);
  parsedEnv = { text, config };
  return config;
}

export function packageSettings(config: PackagesConfig, packageName: string): PackageSettings {
  // Own keys only: a plain-object lookup would find "constructor" or "__proto__" on the prototype.
  const settings = Object.hasOwn(config.packages, packageName) ? config.packages[packageName] : undefined;
  if (!settings) {
    const known = Object.keys(config.packages);
    throw new InvalidRelease(
      `package "${packageName}" has no configuration; add it under "packages" in config/packages.json` +
        (known.length ? ` (configured: ${known.join(', ')})` : ''),
      'packageName',
    );
  }
  return settings;
}
