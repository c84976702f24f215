'use strict';
/**
 * Turns config/packages.json into the PACKAGES_CONFIG environment variable (one JSON string).
 * serverless.yml: `PACKAGES_CONFIG: ${file(./config/to-env.cjs)}` — osls calls this function while
 * packaging (offline). The file is checked with the schema every Lambda parses it with
 * (PackagesConfigSchema, lib/release/config.ts, loaded through tsx), so packaging fails with the
 * message every release would fail with, rather than deploying a configuration they all reject.
 */
const fs = require('node:fs');
const path = require('node:path');
const tsx = require('tsx/cjs/api');

// Lambda allows 4 KB for all environment variables of a function together; leave room for the others.
const MAX_BYTES = 3000;

/** config/packages.json, checked; returns the `packages` map and how to fail naming the file. */
function readPackages(file = path.join(__dirname, 'packages.json')) {
  const where = path.relative(process.cwd(), file) || file;
  const fail = (msg) => {
    throw new Error(`${where}: ${msg}`);
  };
  let config;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(e.message);
  }
  const { PackagesConfigSchema, packagesConfigIssues } = tsx.require('../lib/release/config.ts', __filename);
  const parsed = PackagesConfigSchema.safeParse(config);
  if (!parsed.success) fail(packagesConfigIssues(parsed.error).join('; '));
  return { packages: config.packages, fail };
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
