import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSession } from '../../local/session';
import { findChromium, launchChromium, NO_BROWSER_MESSAGE, startConsoleSession } from './harness';

/**
 * The release engineer's loop in a real browser: upload two releases through the page (one whose
 * OpenSearch package is missing), see the failure and the failed state, fix the cause, redrive from
 * the page, and see the execution succeed and the catalog change.
 */
const executablePath = findChromium();
if (!executablePath) console.warn(NO_BROWSER_MESSAGE);

describe.skipIf(!executablePath)('local console in headless Chromium', () => {
  let session: LocalSession;
  let url: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ session, url } = await startConsoleSession());
    browser = await launchChromium(executablePath!);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await session?.close();
  });

  async function uploadThroughPage(pkg: string, version: string, content: string) {
    await page.setInputFiles('#upload-file', { name: 'dict.txt', mimeType: 'text/plain', buffer: Buffer.from(content) });
    await page.fill('#upload-package', pkg);
    await page.fill('#upload-version', version);
    await page.click('#upload-form button[type=submit]');
    await page.waitForSelector(`#upload-result.ok >> text=releases/${pkg}/${version}/dict.txt`);
  }

  const row = (pkg: string) => page.locator('#executions tr', { hasText: pkg });

  it('uploads two releases and lists the failed one with its failed state and error', async () => {
    await page.goto(url);
    await uploadThroughPage('edge-agent', '1.0.0', 'laptop, notebook\n');
    await uploadThroughPage('edge-plugin', '1.0.0', 'phone, mobile\n');
    await expect.poll(() => row('edge-agent').locator('[data-status]').textContent(), { timeout: 10_000 }).toBe('SUCCEEDED');
    await expect.poll(() => row('edge-plugin').locator('[data-status]').textContent(), { timeout: 10_000 }).toBe('FAILED');
    expect(await row('edge-plugin').textContent()).toContain('UpdateOpenSearchOpenSearchPackageNotFound');

    await page.selectOption('#status-filter', 'FAILED');
    await expect.poll(() => page.locator('#executions tr[data-name]').count(), { timeout: 5_000 }).toBe(1);
    expect(await page.locator('#executions tr[data-name]').textContent()).toContain('edge-plugin');
  });

  it('shows the failed state in the graph, with its error, and redrives it to success', async () => {
    await row('edge-plugin').locator('a').click();
    await page.waitForSelector('#graph g.node[data-state="UpdateOpenSearch"][data-outcome="failed"]');
    expect(await page.getAttribute('#graph g.node[data-state="Prepare"]', 'data-outcome')).toBe('succeeded');
    expect(await page.getAttribute('#graph g.node[data-state="Promote"]', 'data-outcome')).toBe('not-reached');
    await page.click('#graph g.node[data-state="UpdateOpenSearch"]');
    expect(await page.textContent('#state-details')).toContain('OpenSearchPackageNotFound');
    expect(await page.textContent('#redrive-advice')).toContain('create the OpenSearch package');

    // The fix a person makes outside the pipeline; then Redrive resumes at the failed state.
    await session.createOpenSearchPackage('edge-plugin', 'TXT-DICTIONARY', 'initial\n');
    await page.click('#redrive');
    await expect.poll(() => page.textContent('h1 [data-status]'), { timeout: 10_000 }).toBe('SUCCEEDED');
    await page.waitForSelector('#graph g.node[data-state="Promote"][data-outcome="succeeded"]');
    expect(await page.textContent('#effect')).toMatch(/Version status\s*PUBLISHED/);
    expect(await page.textContent('#events')).toContain('ExecutionRedriven');
  });

  it('shows the catalog update: the version published and default, the OpenSearch history', async () => {
    await page.click('header a[href="#/catalog"]');
    const iot = page.locator('#catalog-iot [data-package="edge-plugin"]');
    await iot.waitFor();
    expect(await iot.locator('h3').textContent()).toContain('default: 1.0.0');
    expect(await iot.locator('tr[data-version="1.0.0"]').textContent()).toContain('PUBLISHED');
    expect(await page.locator('#catalog-opensearch [data-package="edge-plugin"]').textContent()).toContain('pkgrelease v=1.0.0');
    expect(pageErrors).toEqual([]);
  });
});
