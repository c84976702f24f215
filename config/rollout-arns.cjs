'use strict';
/**
 * The IoT Jobs resources the rollout functions may touch, from config/packages.json while osls
 * packages the service (config/function-roles.cjs), so iot:CreateJob is scoped as the catalog allows:
 *
 *   jobs:            arn:…:job/<package>-*          (job ids start with the package name: lib/release/rollout/job.ts)
 *   thingGroups:     the `targets` of every stage   (names become arn:…:thinggroup/<name>; ARNs stay)
 *   jobTemplates:    each rollout's jobDocument.jobTemplateArn
 *   passRoles:       each rollout's presignedUrlRoleArn (iam:PassRole, only to iot.amazonaws.com)
 *
 * The package version ARNs come from config/iot-arns.cjs (the configured packages' versions).
 */
const { readPackages } = require('./to-env.cjs');

const IOT_ARN = 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:';
const sub = (text) => ({ 'Fn::Sub': text });
const unique = (xs) => [...new Set(xs)].sort();

function rolloutArns(file) {
  const packages = readPackages(file);
  const names = Object.keys(packages).sort();
  const rollouts = names.map((n) => packages[n].rollout).filter(Boolean);
  const targets = unique(rollouts.flatMap((r) => r.stages.flatMap((s) => s.targets)));
  return {
    jobs: names.map((n) => sub(`${IOT_ARN}job/${n.replace(/[^a-zA-Z0-9_-]/g, '_')}-*`)),
    thingGroups: targets.map((t) => (t.startsWith('arn:') ? t : sub(`${IOT_ARN}thinggroup/${t}`))),
    jobTemplates: unique(rollouts.flatMap((r) => (r.jobDocument.jobTemplateArn ? [r.jobDocument.jobTemplateArn] : []))),
    passRoles: unique(rollouts.flatMap((r) => (r.presignedUrlRoleArn ? [r.presignedUrlRoleArn] : []))),
  };
}

module.exports = () => rolloutArns();
module.exports.rolloutArns = rolloutArns;
