'use strict';
/**
 * The principals that may publish (put objects under releases/), from the `releasePrincipals` param
 * (serverless.yml: `${file(./config/release-principals.cjs)}`), checked while packaging: a typo in
 * a deny-everyone-else bucket policy would lock the real releasers out, so a value that is not an
 * IAM principal ARN fails packaging instead of deploying.
 *
 *   --param="releasePrincipals=arn:aws:iam::123456789012:role/ci-release,arn:aws:iam::123456789012:role/oncall-*"
 */
// Roles and users (aws:PrincipalArn of an assumed-role session is its role's ARN); `*` wildcards allowed.
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|\$\{AWS::AccountId\}):(role|user)\/[\w+=,.@/*-]+$/;

/** A comma-separated list of role / user ARNs from the param `param`, each checked. */
function principalArns(param, text) {
  const list = String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const arn of list) {
    if (!PRINCIPAL_ARN.test(arn)) {
      throw new Error(`${param}: "${arn}" is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); fix --param ${param}`);
    }
  }
  return list;
}

const releasePrincipals = (text) => principalArns('releasePrincipals', text);

module.exports = async ({ resolveVariable }) => releasePrincipals(await resolveVariable('param:releasePrincipals'));
module.exports.releasePrincipals = releasePrincipals;
module.exports.principalArns = principalArns;
