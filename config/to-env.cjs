'use strict';
/**
 * Turns config/packages.json into the PACKAGES_CONFIG environment variable (one JSON string).
 * serverless.yml: `PACKAGES_CONFIG: ${file(./config/to-env.cjs)}` — osls calls this function while
 * packaging (offline). It checks the shape the runtime expects (lib/release/config.ts parses it
 * again at run time), drops `$comment`, and fails packaging with a clear message rather than
 * deploying a configuration every release would reject.
 */
const fs = require('node:fs');
const path = require('node:path');

const POLICIES = ['if-newer', 'always', 'never'];
const SETTINGS = new Set(['opensearchPackage', 'defaultVersionPolicy', 'description', 'tags', 'domains', 'domainWaitMinutes']);
// Who may release what (README, "Security"): both off unless a package opts in.
const BOOLEAN_SETTINGS = ['allowRecipeFromMetadata', 'requireApproval'];
for (const key of BOOLEAN_SETTINGS) SETTINGS.add(key);
const NAME = /^[a-zA-Z0-9-_.]{1,128}$/;
// Lambda allows 4 KB for all environment variables of a function together; leave room for the others.
const MAX_BYTES = 3000;

/** config/packages.json, checked; returns the `packages` map. */
function readPackages(file = path.join(__dirname, 'packages.json')) {
  const where = path.relative(process.cwd(), file) || file;
  let config;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${where}: ${e.message}`);
  }
  const fail = (msg) => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!config || typeof config !== 'object' || Array.isArray(config)) fail('expected a JSON object');
  for (const key of Object.keys(config)) {
    if (key !== 'packages' && key !== '$comment') fail(`unknown top-level key "${key}" (expected "packages")`);
  }
  const { packages } = config;
  if (!packages || typeof packages !== 'object' || Array.isArray(packages)) fail('"packages" must be an object');
  for (const [name, settings] of Object.entries(packages)) {
    if (!NAME.test(name)) fail(`package name "${name}" must match ^[a-zA-Z0-9-_.]{1,128}$`);
    if (name === '.' || name === '..') fail(`package name "${name}" is a path segment, not a name`);
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) fail(`packages.${name} must be an object`);
    for (const key of Object.keys(settings)) {
      if (!SETTINGS.has(key)) fail(`packages.${name}.${key} is not a known setting (${[...SETTINGS].join(', ')})`);
    }
    const { opensearchPackage, defaultVersionPolicy, description, tags } = settings;
    if (opensearchPackage !== undefined && typeof opensearchPackage !== 'string') fail(`packages.${name}.opensearchPackage must be a string`);
    if (description !== undefined && typeof description !== 'string') fail(`packages.${name}.description must be a string`);
    if (defaultVersionPolicy !== undefined && !POLICIES.includes(defaultVersionPolicy)) {
      fail(`packages.${name}.defaultVersionPolicy must be one of ${POLICIES.join(', ')}`);
    }
    for (const key of BOOLEAN_SETTINGS) {
      if (settings[key] !== undefined && typeof settings[key] !== 'boolean') fail(`packages.${name}.${key} must be true or false`);
    }
    if (tags !== undefined) {
      if (!tags || typeof tags !== 'object' || Array.isArray(tags)) fail(`packages.${name}.tags must be an object`);
      for (const [k, v] of Object.entries(tags)) {
        if (typeof v !== 'string') fail(`packages.${name}.tags.${k} must be a string`);
      }
    }
    // domains (issue 9); lib/release/config.ts checks each name / ARN in full.
    const { domains, domainWaitMinutes } = settings;
    const domainList = Array.isArray(domains) && domains.length > 0 && domains.every((d) => typeof d === 'string');
    if (domains !== undefined && domains !== 'associated' && domains !== 'none' && !domainList) {
      fail(`packages.${name}.domains must be "associated", "none" or a non-empty list of domain names`);
    }
    if (domainWaitMinutes !== undefined && !(Number.isInteger(domainWaitMinutes) && domainWaitMinutes > 0)) {
      fail(`packages.${name}.domainWaitMinutes must be a positive whole number of minutes`);
    }
  }
  return { packages, fail };
}

function packagesConfig(file) {
  const { packages, fail } = readPackages(file);
  const text = JSON.stringify({ packages });
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BYTES) {
    fail(`is ${bytes} bytes as an environment variable; the limit here is ${MAX_BYTES} (Lambda allows 4 KB in total)`);
  }
  return text;
}

module.exports = () => packagesConfig();
module.exports.packagesConfig = packagesConfig;
module.exports.readPackages = (file) => readPackages(file).packages;
