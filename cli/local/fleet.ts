import { fleetReport, renderFleet } from '../../lib/operations/fleet';
import { startTwin } from '../../local/twin';
import { onStateDir } from './run-session';
import { clientsOfTwin } from './serve-client';

/** `local fleet`: the fleet view against the twin (the running serve's, or the state dir's, read once). */
export async function localFleet(packageName: string, opts: { stateDir: string; group?: string; json?: boolean }): Promise<void> {
  const report = await onStateDir(
    opts.stateDir,
    'pkgrelease local fleet',
    (serve) => fleetReport(clientsOfTwin(serve.env).iot, packageName, { group: opts.group }),
    async () => {
      const twin = await startTwin({ stateDir: opts.stateDir });
      try {
        return await fleetReport(clientsOfTwin(twin.env()).iot, packageName, { group: opts.group });
      } finally {
        await twin.close();
      }
    },
  );
  console.log(opts.json ? JSON.stringify(report, null, 2) : renderFleet(report));
}
