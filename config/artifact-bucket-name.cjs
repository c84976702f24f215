'use strict';
/**
 * The artifact bucket's name (serverless.yml: `BucketName: ${file(./config/artifact-bucket-name.cjs)}`),
 * within S3's 63-character limit for any stage: `pkgrelease-<stage>-artifacts-<account>-<region>`
 * when that fits (so existing stacks keep their bucket), else the stage is shortened and a hash of
 * the whole stage keeps distinct stages apart: `pkgrelease-<stage prefix>-<sha256(stage) 8 hex>-<account>-<region>`.
 * The account id is always 12 digits; the region is known when packaging.
 */
const { createHash } = require('node:crypto');

const MAX = 63;
const ACCOUNT_DIGITS = 12;
// Bucket names are lower-case letters, digits and hyphens here; other stage names fail packaging.
const STAGE = /^[a-z0-9][a-z0-9-]*$/;

function artifactBucketName(service, stage, region) {
  if (!STAGE.test(stage)) {
    throw new Error(`stage "${stage}" cannot name an S3 bucket: use lower-case letters, digits and hyphens, starting with a letter or digit`);
  }
  const tail = '-${AWS::AccountId}-${AWS::Region}';
  const tailLength = 1 + ACCOUNT_DIGITS + 1 + region.length;
  const full = `${service}-${stage}-artifacts`;
  if (full.length + tailLength <= MAX) return { 'Fn::Sub': `${full}${tail}` };
  const hash = createHash('sha256').update(stage).digest('hex').slice(0, 8);
  const room = MAX - tailLength - `${service}--${hash}`.length;
  const prefix = stage.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return { 'Fn::Sub': `${service}-${prefix ? `${prefix}-` : ''}${hash}${tail}` };
}

module.exports = async ({ resolveVariable }) =>
  artifactBucketName(await resolveVariable('self:service'), await resolveVariable('sls:stage'), await resolveVariable('self:provider.region'));
module.exports.artifactBucketName = artifactBucketName;
