import { type HistoryEvent, paginateGetExecutionHistory, type SFNClient } from '@aws-sdk/client-sfn';

/**
 * An execution's whole history, oldest first: `pkgrelease logs`, `local logs` and the console's
 * execution page. With `includeExecutionData` the events carry the states' inputs and outputs.
 */
export async function executionHistory(sfn: SFNClient, executionArn: string, opts: { includeExecutionData?: boolean } = {}): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  const pages = paginateGetExecutionHistory({ client: sfn }, { executionArn, includeExecutionData: opts.includeExecutionData ?? false });
  for await (const page of pages) events.push(...(page.events ?? []));
  return events;
}
