/**
 * config/to-env.cjs turns config/packages.json into PACKAGES_CONFIG while osls packages the
 * service: a broken configuration must fail packaging, not every release after deployment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { domainWaitMinutes, parsePackagesConfig } from '../../lib/release/config';

const require = createRequire(import.meta.url);
const toEnv = require('../../config/to-env.cjs') as (() => string) & { packagesConfig(file: string): string };
const iotArns = require('../../config/iot-arns.cjs') as { iotArns(file: string): { packages: unknown[]; versions: unknown[]; packagesAndVersions: unknown[] } };

const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const envOf = (config: unknown) => {
  const file = join(dir, `packages-${n++}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return toEnv.packagesConfig(file);
};

describe('config/packages.json -> PACKAGES_CONFIG', () => {
  it('is the compact JSON of config/packages.json without $comment, and the runtime parser accepts it', () => {
    const text = toEnv();
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({ packages: { 'edge-agent': { opensearchPackage: 'edge-agent', defaultVersionPolicy: 'if-newer' } } });
    expect(parsePackagesConfig(text).packages['edge-agent']?.defaultVersionPolicy).toBe('if-newer');
  });

  it('keeps every documented setting', () => {
    const config = {
      packages: { a: { opensearchPackage: 'b', defaultVersionPolicy: 'never', description: 'd', tags: { team: 'x' }, allowRecipeFromMetadata: true, requireApproval: true } },
    };
    expect(JSON.parse(envOf(config))).toEqual(config);
    expect(parsePackagesConfig(envOf(config))).toEqual(config);
  });

  it.each([
    ['not JSON', '{"packages": '],
    ['no packages map', { pkgs: {} }],
    ['an unknown setting', { packages: { a: { defaultPolicy: 'always' } } }],
    ['an unknown policy', { packages: { a: { defaultVersionPolicy: 'sometimes' } } }],
    ['a non-string tag', { packages: { a: { tags: { n: 1 } } } }],
    ['an invalid package name', { packages: { 'a b': {} } }],
    ['a package named ".."', { packages: { '..': {} } }],
    ['a non-boolean allowRecipeFromMetadata', { packages: { a: { allowRecipeFromMetadata: 'yes' } } }],
    ['a non-boolean requireApproval', { packages: { a: { requireApproval: 1 } } }],
    ['more than fits in the Lambda environment', { packages: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`package-${i}`, { description: 'x'.repeat(40) }])) }],
  ])('fails packaging on %s', (_, config) => {
    expect(() => envOf(config)).toThrow(/packages-\d+\.json/);
  });

  it.each([
    ['two IoT packages feeding one OpenSearch package', { packages: { a: { opensearchPackage: 'shared-dict' }, b: { opensearchPackage: 'shared-dict' } } }],
    ['a domain wait longer than an execution can wait', { packages: { a: { domainWaitMinutes: 500 } } }],
    ['a package name no key can carry', { packages: { 'a b': {} } }],
  ])('fails packaging on %s with the message every release would fail with (the same schema)', (_, config) => {
    let atRelease = '';
    try {
      parsePackagesConfig(JSON.stringify(config));
    } catch (e) {
      atRelease = (e as Error).message;
    }
    const issue = /^PACKAGES_CONFIG (.*); fix config\/packages\.json and redeploy$/.exec(atRelease)?.[1];
    expect(issue, atRelease).toBeDefined();
    expect(() => envOf(config)).toThrow(new RegExp(`packages-\\d+\\.json: ${issue!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('refuses two IoT packages feeding one OpenSearch package, naming both', () => {
    const config = JSON.stringify({ packages: { a: { opensearchPackage: 'shared-dict' }, b: { opensearchPackage: 'shared-dict' } } });
    expect(() => parsePackagesConfig(config)).toThrow(/packages\.b\.opensearchPackage: OpenSearch package "shared-dict" is already fed by "a"/);
    expect(() => parsePackagesConfig(JSON.stringify({ packages: { 'a-dict': {}, b: { opensearchPackage: 'a-dict' } } }))).toThrow(/already fed by "a-dict"/);
  });

  it('scopes IAM to the configured packages: one package ARN and one version ARN pattern each, never package/*', () => {
    const file = join(dir, 'iot-arns.json');
    writeFileSync(file, JSON.stringify({ packages: { 'edge-agent': {}, 'Fleet.Firmware': {} } }));
    const arn = (rest: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iot:\${AWS::Region}:\${AWS::AccountId}:package/${rest}` });
    expect(iotArns.iotArns(file)).toEqual({
      packages: [arn('Fleet.Firmware'), arn('edge-agent')],
      versions: [arn('Fleet.Firmware/version/*'), arn('edge-agent/version/*')],
      packagesAndVersions: [arn('Fleet.Firmware'), arn('edge-agent'), arn('Fleet.Firmware/version/*'), arn('edge-agent/version/*')],
    });
    writeFileSync(file, JSON.stringify({ packages: {} }));
    expect(() => iotArns.iotArns(file)).toThrow(/lists no packages/);
  });
});

describe('domains settings', () => {
  it.each([['associated'], ['none'], [['search-prod', 'arn:aws:es:us-east-1:123456789012:domain/search-eu']]])('accepts domains: %j', (domains) => {
    const config = { packages: { a: { domains, domainWaitMinutes: 90 } } };
    expect(parsePackagesConfig(envOf(config))).toEqual(config);
  });

  it.each([
    ['an unknown keyword', 'all'],
    ['an empty list', []],
    ['an invalid domain name', ['Search_Prod']],
    ['an ARN of another service', ['arn:aws:s3:::bucket']],
  ])('refuses %s (InvalidRelease naming packages.<name>.domains)', (_, domains) => {
    expect(() => parsePackagesConfig(JSON.stringify({ packages: { a: { domains } } }))).toThrow(/packages\.a\.domains/);
  });

  it('fails packaging on a malformed domains setting or wait', () => {
    expect(() => envOf({ packages: { a: { domains: 'all' } } })).toThrow(/domains/);
    expect(() => envOf({ packages: { a: { domainWaitMinutes: 0 } } })).toThrow(/domainWaitMinutes/);
  });

  it('waits longer for ZIP-PLUGIN domains (blue/green) unless configured', () => {
    expect(domainWaitMinutes({}, 'ZIP-PLUGIN')).toBe(90);
    expect(domainWaitMinutes({}, 'TXT-DICTIONARY')).toBe(20);
    expect(domainWaitMinutes({ domainWaitMinutes: 5 }, 'ZIP-PLUGIN')).toBe(5);
  });
});
