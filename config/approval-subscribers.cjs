'use strict';
/**
 * Who may subscribe to the approvals topic (param `approvalSubscribers`; serverless.yml:
 * `${file(./config/approval-subscribers.cjs)}`). Each approval request carries the task token that
 * approves the release, so only these principals (and the stack's own notify function) may add a
 * subscription; empty (default): none but notify.
 *
 *   --param="approvalSubscribers=arn:aws:iam::123456789012:role/release-approvers"
 */
const { principalArns } = require('./release-principals.cjs');

module.exports = async ({ resolveVariable }) => principalArns('approvalSubscribers', await resolveVariable('param:approvalSubscribers'));
