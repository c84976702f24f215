import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { PackageSettingsSchema } from '../../lib/release/config';
import { OPENSEARCH } from '../../lib/release/constraints';
import { faultRuleSchema, twinOperations } from '../../local/twin';
import { FLEET_INDEXING_HELP, FLEET_INDEXING_MODES } from './fleet-indexing';

/**
 * A local scenario (`pkgrelease local run <file>`): package configuration, OpenSearch packages to
 * create first, uploads and manifest starts (each at an offset, so they can overlap or arrive out of
 * order), faults, OpenSearch timing and a seed. See `examples/scenario.json` and the README.
 */
/** Exactly one source of bytes per upload. */
const oneContentSource = (u: { content?: string; contentBase64?: string; file?: string }) =>
  [u.content, u.contentBase64, u.file].filter((v) => v !== undefined).length === 1;

/** `*`, `<service>:*` or an operation the twin implements: a typo would otherwise never fire. */
const OPERATIONS = twinOperations();
const SERVICES = [...new Set(OPERATIONS.map((o) => o.split(':')[0]!))];
const FAULT_TARGETS = ['*', ...SERVICES.map((s) => `${s}:*`), ...OPERATIONS];

const scenarioFaultRule = faultRuleSchema.superRefine((rule, ctx) => {
  if (FAULT_TARGETS.includes(rule.operation)) return;
  const service = rule.operation.split(':')[0]!;
  const known = OPERATIONS.filter((o) => o.startsWith(`${service}:`)).map((o) => o.slice(service.length + 1));
  ctx.addIssue({
    code: 'custom',
    path: ['operation'],
    message: `the twin has no operation "${rule.operation}"${known.length ? `; ${service} operations: ${known.join(', ')}` : `; services: ${SERVICES.join(', ')}`}`,
  });
});

export const ScenarioSchema = z.strictObject({
  $schema: z.string().optional().describe('schemas/scenario.v1.schema.json, for editor completion'),
  description: z.string().optional(),
  seed: z.number().int().default(1),
  packages: z.record(z.string(), PackageSettingsSchema).describe('config/packages.json "packages" for this run'),
  opensearchPackages: z
    .array(
      z.strictObject({
        name: z.string(),
        type: z.enum(OPENSEARCH.packageTypes),
        content: z.string().default('initial\n'),
        engineVersion: z.string().regex(OPENSEARCH.engineVersion.pattern).optional().describe('ZIP-PLUGIN only; default OpenSearch_2.13'),
      }),
    )
    .default([]),
  /** OpenSearch domains that exist before the releases, each running the listed OpenSearch packages. */
  domains: z
    .array(
      z.strictObject({
        name: z.string().regex(OPENSEARCH.domainName.pattern).min(OPENSEARCH.domainName.min).max(OPENSEARCH.domainName.max),
        engineVersion: z.string().regex(OPENSEARCH.engineVersion.pattern).optional().describe('default OpenSearch_2.13'),
        packages: z.array(z.string()).default([]).describe('OpenSearch package names (from opensearchPackages) the domain already runs'),
      }),
    )
    .default([]),
  opensearchTiming: z
    .strictObject({
      copyingMs: z.number().int().nonnegative(),
      validatingMs: z.number().int().nonnegative(),
      associatingMs: z.number().int().nonnegative().optional().describe('ASSOCIATING → ACTIVE; default copyingMs + validatingMs'),
      pluginAssociatingMs: z.number().int().nonnegative().optional().describe('the same for ZIP-PLUGIN (blue/green); default 5 × associatingMs'),
    })
    .optional(),
  fleetIndexing: z
    .enum(FLEET_INDEXING_MODES)
    .default('on')
    .describe(FLEET_INDEXING_HELP),
  faults: z.array(scenarioFaultRule).default([]),
  uploads: z
    .array(
      z
        .strictObject({
          key: z.string().describe('Object key, normally releases/<package>/<version>/<file>'),
          content: z.string().optional().describe('Inline content (UTF-8)'),
          contentBase64: z.string().optional().describe('Inline binary content'),
          file: z.string().optional().describe('A file, relative to the scenario file'),
          metadata: z.record(z.string(), z.string()).optional(),
          duplicateEvents: z.number().int().positive().default(1),
          startAtMs: z.number().int().nonnegative().default(0),
        })
        .refine(oneContentSource, { message: 'give exactly one of content, contentBase64 or file' }),
    )
    .default([]),
  manifests: z
    .array(
      z.strictObject({
        /** As CodePipeline's Step Functions action would: the manifest is the execution input. */
        executionName: z.string().optional(),
        startAtMs: z.number().int().nonnegative().default(0),
        manifest: z.unknown().describe('A release manifest (validated by the pipeline itself, like CodePipeline input)'),
      }),
    )
    .default([]),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function loadScenario(path: string): { scenario: Scenario; baseDir: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw e; // a file error (missing, a directory): reported with its path
    throw new ScenarioError(`scenario ${path} is not JSON (${err.message}): fix the syntax`);
  }
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${jsonPath(i.path)}: ${i.message}`);
    throw new ScenarioError(`scenario ${path} has ${problems.length} problem(s); fix them (schema: schemas/scenario.v1.schema.json):\n${problems.join('\n')}`);
  }
  return { scenario: parsed.data, baseDir: dirname(resolve(path)) };
}

/** `$.uploads[0].key`: where the problem is, as an editor's JSON path shows it. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${String(p)}`), '$');
}

/** The JSON Schema of scenario files (schemas/scenario.v1.schema.json, generated by `npm run docs`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const operation = faultRuleSchema.shape.operation;
  return {
    $id: 'https://pkgrelease.dev/schemas/scenario.v1.schema.json',
    ...z.toJSONSchema(ScenarioSchema.describe('pkgrelease local scenario (pkgrelease local run <file>)'), {
      target: 'draft-2020-12',
      io: 'input',
      // The operation check is a refinement (invisible to JSON Schema): list the operations for editors.
      override: (ctx) => {
        if (ctx.zodSchema === operation) ctx.jsonSchema.enum = FAULT_TARGETS;
      },
    }),
  };
}

export function uploadBody(upload: { content?: string; contentBase64?: string; file?: string }, baseDir: string): Buffer {
  if (upload.content !== undefined) return Buffer.from(upload.content, 'utf8');
  if (upload.contentBase64 !== undefined) return Buffer.from(upload.contentBase64, 'base64');
  return readFileSync(resolve(baseDir, upload.file!));
}

