'use strict';
/**
 * The IoT ARNs the functions may touch, built from config/packages.json while osls packages the
 * service (serverless.yml: `${file(./config/iot-arns.cjs):packages}` and `:versions`), so a function
 * can act on configured packages only — never `package/*`. Adding a package to the configuration
 * and deploying is what grants access to it.
 *
 *   packages:            arn:…:package/<name>            (CreatePackage, GetPackage, UpdatePackage)
 *   packagesAndVersions: the above + arn:…:package/<name>/version/*   (version calls need both)
 *   versions:            arn:…:package/<name>/version/* only            (the SBOM calls: packageversion only)
 *
 * Package names cannot contain `*` or `?` (PackagesConfigSchema checks them, through config/to-env.cjs), so
 * each ARN names exactly one package.
 */
const { readPackages } = require('./to-env.cjs');

const PACKAGE_ARN = 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:package/';

function iotArns(file) {
  const names = Object.keys(readPackages(file)).sort();
  if (names.length === 0) throw new Error('config/packages.json lists no packages: there is nothing to release');
  const packages = names.map((name) => ({ 'Fn::Sub': `${PACKAGE_ARN}${name}` }));
  const versions = names.map((name) => ({ 'Fn::Sub': `${PACKAGE_ARN}${name}/version/*` }));
  return { packages, versions, packagesAndVersions: [...packages, ...versions] };
}

module.exports = () => iotArns();
module.exports.iotArns = iotArns;
