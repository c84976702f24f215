'use strict';
/**
 * Local osls plugin (serverless.yml `plugins: [./scripts/serverless-build-plugin.cjs]`): builds the
 * function zips with scripts/build.mjs right before osls packages them, so
 *
 *   npm ci && npx serverless package --stage prod     (and `serverless deploy`)
 *
 * works on a fresh clone, and a dist/ left over from an older checkout is rebuilt, never deployed.
 * The zips go to `custom.distDir` (dist/, or PKGRELEASE_DIST_DIR), the directory the functions'
 * `package.artifact` paths point at. A build error or a zip over the size limit fails packaging.
 */
const path = require('node:path');
const { pathToFileURL } = require('node:url');

class BuildFunctionZips {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log ?? { notice: console.log };
    const build = () => this.build();
    this.hooks = {
      // `serverless package` and `serverless deploy` (which packages first).
      'before:package:createDeploymentArtifacts': build,
      // `serverless deploy function -f <name>`.
      'before:deploy:function:packageFunction': build,
    };
  }

  async build() {
    const serviceDir = this.serverless.serviceDir;
    const outDir = path.resolve(serviceDir, this.serverless.service.custom.distDir);
    const { build, formatTable, MAX_ZIP_BYTES } = await import(pathToFileURL(path.join(__dirname, 'build.mjs')).href);
    const built = await build({ root: serviceDir, outDir });
    this.log.notice(formatTable(built));
    const tooBig = built.filter((b) => b.tooBig);
    if (tooBig.length) {
      throw new this.serverless.classes.Error(`zip larger than ${MAX_ZIP_BYTES / 1024} KB: ${tooBig.map((b) => b.name).join(', ')}`);
    }
  }
}

module.exports = BuildFunctionZips;
