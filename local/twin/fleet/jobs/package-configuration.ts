/**
 * GetPackageConfiguration / UpdatePackageConfiguration (Software Package Catalog model): the
 * account's `versionUpdateByJobsConfig`. When enabled, a job execution that succeeds writes the
 * job's destination package versions into the thing's `$package` reserved named shadow.
 */
import { IOT } from '../../../../lib/release/constraints';
import { jsonReply, parseJsonBody, type Route } from '../../core/http';
import { checkMember, optBoolean, optObject, optString, validationError } from '../../core/validate';

export interface PackageConfiguration {
  versionUpdateByJobsConfig?: { enabled?: boolean; roleArn?: string };
}

/** RoleArn in the packages model: 20 to 2048 characters. */
const ROLE_ARN = { shape: 'RoleArn', min: 20, max: 2048 } as const;

export class PackageConfigurationStore {
  config: PackageConfiguration = {};
  onChange: () => void = () => {};

  /** Whether successful executions update `$package`. */
  versionUpdateEnabled(): boolean {
    return this.config.versionUpdateByJobsConfig?.enabled === true;
  }

  routes(): Route[] {
    return [
      { method: 'GET', path: '/package-configuration', operation: 'GetPackageConfiguration', handle: () => jsonReply({ versionUpdateByJobsConfig: this.config.versionUpdateByJobsConfig ?? { enabled: false } }) },
      {
        method: 'PATCH',
        path: '/package-configuration',
        operation: 'UpdatePackageConfiguration',
        handle: (ctx) => {
          const token = ctx.query.get('clientToken');
          if (token !== null) checkMember(token, IOT.clientToken, 'clientToken');
          const body = parseJsonBody(ctx);
          const v = optObject(body, 'versionUpdateByJobsConfig');
          if (v) {
            const enabled = optBoolean(v, 'enabled');
            const roleArn = optString(v, 'roleArn', ROLE_ARN, 'versionUpdateByJobsConfig.roleArn');
            if (enabled === true && roleArn === undefined && this.config.versionUpdateByJobsConfig?.roleArn === undefined) {
              throw validationError('versionUpdateByJobsConfig.roleArn', 'must be given to enable version updates by jobs (the role that updates the $package shadow)');
            }
            this.config = { versionUpdateByJobsConfig: { ...this.config.versionUpdateByJobsConfig, ...(enabled !== undefined && { enabled }), ...(roleArn !== undefined && { roleArn }) } };
            this.onChange();
          }
          return jsonReply({});
        },
      },
    ];
  }

  exportState(): PackageConfiguration {
    return this.config;
  }

  importState(state: PackageConfiguration): void {
    this.config = state;
  }
}
