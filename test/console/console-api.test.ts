import { request } from 'node:http';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollbackMachineArn } from '../../lib/release/rollback/machine';
import { CONSOLE_HEADER } from '../../local/console/handler';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import { startConsoleSession } from '../browser/harness';
import { mutatingSucceeded } from '../e2e/harness';

/** The console's JSON API over HTTP, on the serve port, against a live twin (no browser needed). */
let session: LocalSession;
let url: string;

beforeAll(async () => {
  ({ session, url } = await startConsoleSession());
});
afterAll(() => session?.close());

async function call(method: 'GET' | 'POST', path: string, body?: string | Buffer) {
  const res = await fetch(new URL(path, url), { method, body, headers: method === 'POST' ? { [CONSOLE_HEADER]: '1' } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { ok?: boolean; reason?: string } };
}

const arnOf = (name: string) => session.engine.get(name)!.executionArn;
const executionOf = (key: string) => session.engine.list().find((e) => JSON.stringify(e.input).includes(key))!;

describe('local console API', () => {
  it('serves the page at / and Mermaid from node_modules, next to the Step Functions API', async () => {
    const page = await fetch(url);
    expect(await page.text()).toContain('<script src="/vendor/mermaid.min.js">');
    const mermaid = await fetch(new URL('/vendor/mermaid.min.js', url));
    expect(mermaid.status).toBe(200);
    expect((await mermaid.text()).length).toBeGreaterThan(100_000);
    const graph = await call('GET', '/api/graph');
    expect(graph.body.mermaid).toMatch(/^stateDiagram-v2/);
    expect(graph.body.states).toContain('Prepare');
  });

  it('answers only requests addressed to loopback, and POSTs only from the page', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { headers: { host: 'attacker.example' } }, (res) => resolve(res.statusCode!));
      req.on('error', reject).end();
    });
    expect(status).toBe(403);
    const before = session.twin.s3.listObjects(LOCAL_BUCKET).length;
    const res = await fetch(new URL('/api/upload?package=edge-agent&version=9.9.9&file=a.txt', url), { method: 'POST', body: 'x' });
    expect(res.status).toBe(403);
    expect(session.twin.s3.listObjects(LOCAL_BUCKET).length).toBe(before);
  });

  it('refuses an upload with a bad name, saying what to fix, and uploads nothing', async () => {
    const res = await call('POST', '/api/upload?package=edge%20agent&version=1.0.0&file=a.txt', 'content');
    expect(res.status).toBe(409);
    expect(res.body.reason).toMatch(/edge agent/);
    expect(session.engine.list()).toHaveLength(0);
  });

  it('refuses to redrive an error a redrive cannot fix, with the reason, and redrives nothing', async () => {
    expect((await call('POST', '/api/upload?package=edge-agent&version=1.0.0&file=a.txt', 'one\n')).body.ok).toBe(true);
    await session.settled();
    // Same version name, other bytes: released versions are never overwritten.
    const second = await call('POST', '/api/upload?package=edge-agent&version=1.0.0&file=a.txt', 'two\n');
    await session.settled();
    const failed = executionOf(String(second.body.versionId));
    expect(failed.error).toBe('VersionConflict');

    const res = await call('POST', `/api/redrive?arn=${encodeURIComponent(failed.executionArn)}`);
    expect(res.status).toBe(409);
    expect(res.body.reason).toMatch(/^VersionConflict: .*new version name/);
    expect(session.engine.get(failed.name)!.redriveCount).toBe(0);

    const detail = await call('GET', `/api/execution?arn=${encodeURIComponent(failed.executionArn)}`);
    expect(detail.body.advice).toMatchObject({ redrivable: false });
  });

  it('starts a new execution with the same input, which converges on the same release', async () => {
    const done = session.engine.list().find((e) => e.status === 'SUCCEEDED')!;
    const res = await call('POST', `/api/new-execution?arn=${encodeURIComponent(done.executionArn)}`);
    expect(res.body.ok).toBe(true);
    await session.settled();
    const again = session.engine.list().find((e) => e.executionArn === res.body.executionArn)!;
    expect(again.input).toEqual(done.input);
    expect(again.status).toBe('SUCCEEDED');
  });

  it('never shows credentials carried in an execution input', async () => {
    const sfn = new SFNClient({ endpoint: session.sfnEndpoint });
    const input = { 'CodePipeline.job': { data: { artifactCredentials: { accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: 'wJalrSECRETvalue', sessionToken: 'SESSIONtokenValue' } } } };
    await sfn.send(new StartExecutionCommand({ stateMachineArn: session.engine.stateMachineArn, name: 'with-credentials', input: JSON.stringify(input) }));
    await session.settled();
    const texts = [JSON.stringify((await call('GET', `/api/execution?arn=${encodeURIComponent(arnOf('with-credentials'))}`)).body), JSON.stringify((await call('GET', '/api/executions')).body.executions)];
    for (const text of texts) {
      expect(text).toContain('with-credentials');
      expect(text).not.toMatch(/AKIAEXAMPLEKEY|wJalrSECRETvalue|SESSIONtokenValue/);
    }
  });

  it('filters the executions list by status, newest first', async () => {
    const failed = (await call('GET', '/api/executions?status=FAILED')).body.executions as { status: string; startDate: string }[];
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.status === 'FAILED')).toBe(true);
    const all = (await call('GET', '/api/executions')).body.executions as { startDate: string }[];
    expect(all.map((e) => e.startDate)).toEqual([...all.map((e) => e.startDate)].sort().reverse());
    const bad = await call('GET', '/api/executions?status=BROKEN');
    expect(bad.status).toBe(400);
    expect(bad.body.reason).toMatch(/BROKEN.*FAILED/);
  });
});

/** The catalog's "Roll back to this version": the CLI's --dry-run, then StartExecution on the rollback machine. */
describe('local console API: rollback', () => {
  const edgeAgent = () => session.twin.catalog().iot['edge-agent']!;
  const rollbackPath = (path: string, to: string, reason?: string) => `${path}?package=edge-agent&to=${encodeURIComponent(to)}${reason ? `&reason=${encodeURIComponent(reason)}` : ''}`;

  beforeAll(async () => {
    // 1.0.0 was released above (the file's tests share one session); then a bad 1.1.0.
    if (!edgeAgent().versions['1.0.0']) await session.upload('releases/edge-agent/1.0.0/a.txt', 'one\n');
    await session.upload('releases/edge-agent/1.1.0/a.txt', 'one\nbad\n');
    await session.settled();
    expect(edgeAgent().defaultVersion).toBe('1.1.0');
  });

  it('offers the versions older than the default, and previews one without changing anything', async () => {
    const catalog = (await call('GET', '/api/catalog')).body as { iot: Record<string, { rollbackTargets: string[] }> };
    expect(catalog.iot['edge-agent']!.rollbackTargets).toEqual(['1.0.0']);
    const before = { catalog: JSON.stringify(session.twin.catalog()), calls: mutatingSucceeded(session.report()) };

    const res = await call('POST', rollbackPath('/api/rollback-preview', '1.0.0'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, executionName: expect.stringMatching(/^rollback-edge-agent-1\.0\.0-/), plan: { head: '1.1.0', above: ['1.1.0'] } });
    expect(res.body.preview).toMatch(/^Rollback of edge-agent from 1\.1\.0 to 1\.0\.0 \(dry run: nothing was changed\)/);
    expect(res.body.preview).toContain('default 1.1.0 -> 1.0.0; DEPRECATED: 1.1.0');

    expect(JSON.stringify(session.twin.catalog())).toBe(before.catalog);
    expect(mutatingSucceeded(session.report())).toEqual(before.calls);
    expect(session.rollbacks.list()).toHaveLength(0);
  });

  it('refuses a target that is not older than the head, with the reason, and starts nothing', async () => {
    for (const path of ['/api/rollback-preview', '/api/rollback']) {
      const res = await call('POST', rollbackPath(path, '1.1.0'));
      expect(res.status).toBe(409);
      expect(res.body.ok).toBe(false);
      expect(res.body.reason).toMatch(/^RollbackTargetInvalid: edge-agent@1\.1\.0 is not older than the head \(1\.1\.0\)/);
    }
    expect(session.rollbacks.list()).toHaveLength(0);
    expect(edgeAgent().defaultVersion).toBe('1.1.0');
  });

  it('rolls back on the rollback machine: the default is the target again, the newer version DEPRECATED', async () => {
    const res = await call('POST', rollbackPath('/api/rollback', '1.0.0', 'bad dictionary'));
    expect(res.body.ok, res.body.reason).toBe(true);
    const machine = rollbackMachineArn(session.engine.stateMachineArn);
    expect(res.body.executionArn).toBe(`${machine.replace(':stateMachine:', ':execution:')}:${res.body.executionName}`);
    await session.settled();

    const execution = session.rollbacks.list().find((e) => e.executionArn === res.body.executionArn)!;
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
    expect(execution.input).toMatchObject({ packageName: 'edge-agent', targetVersion: '1.0.0', reason: 'bad dictionary', requestedBy: expect.stringMatching(/^console:/) });
    expect(edgeAgent().defaultVersion).toBe('1.0.0');
    expect(edgeAgent().versions['1.1.0']!.status).toBe('DEPRECATED');
    expect((await call('GET', '/api/catalog')).body).toMatchObject({ iot: { 'edge-agent': { rollbackTargets: [] } } });
    // Its page names the package and the version it went back to, as a rollback.
    const detail = await call('GET', `/api/execution?arn=${encodeURIComponent(String(res.body.executionArn))}`);
    expect(detail.body.release).toEqual({ package: 'edge-agent', version: '1.0.0', opensearchPackage: 'edge-agent-dict', rollback: true });
  });
});
