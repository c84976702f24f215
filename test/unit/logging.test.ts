import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lib/lambda/logger';
import { lambdaContext } from '../../local/engine/functions';

/**
 * A CodePipeline job event carries temporary artifact credentials. Whatever reaches a handler,
 * its logs must never contain them — and every log line names the release it belongs to.
 */
const jobEvent = JSON.parse(readFileSync(new URL('../fixtures/events/codepipeline-codePipelineEvent.json', import.meta.url), 'utf8'));
const secrets = Object.values(jobEvent['CodePipeline.job'].data.artifactCredentials as Record<string, string>);

function captureLogs(): { lines: () => string[] } {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  return { lines: () => written.join('').split('\n').filter(Boolean) };
}

afterEach(() => vi.restoreAllMocks());

describe('logging', () => {
  it('a CodePipeline job event is refused by name and its credentials are never logged', async () => {
    logger.setLogLevel('DEBUG');
    const logs = captureLogs();
    const { handler } = await import('../../functions/prepare/handler');

    const error = await handler({ input: jobEvent, execution: 'exec-1' }, lambdaContext('prepare', 30)).catch((e: unknown) => e);

    expect((error as Error).name).toBe('InvalidRelease');
    const text = logs.lines().join('\n');
    expect(text).toContain('InvalidRelease');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect((error as Error).message).not.toContain(secrets[1]!);
  });

  it('every line carries package, version, clientToken and execution, also where the ASL wraps the state', async () => {
    logger.setLogLevel('DEBUG');
    const logs = captureLogs();
    const { handler } = await import('../../functions/promote/handler');
    const state = { packageName: 'edge-agent', versionName: '1.0.0', clientToken: 'c'.repeat(64), execution: 'exec-2' };

    await handler({ state, execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:release:exec-2', Name: 'exec-2' } }, lambdaContext('promote', 30)).catch(() => undefined);

    const lines = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({ package: 'edge-agent', version: '1.0.0', clientToken: 'c'.repeat(64), execution: 'exec-2', level: expect.any(String) });
    }
  });
});
