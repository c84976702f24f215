/**
 * `npm run console:screenshot`: docs/console.png, the execution page of a release that failed
 * because its OpenSearch package is missing (failed state selected, Redrive offered), in the
 * same headless Chromium as the browser tests.
 */
import { mkdirSync } from 'node:fs';
import { findChromium, launchChromium, NO_BROWSER_MESSAGE, startConsoleSession } from '../test/browser/harness';

const OUT = new URL('../docs/console.png', import.meta.url);

const executablePath = findChromium();
if (!executablePath) {
  console.error(NO_BROWSER_MESSAGE);
  process.exit(1);
}
const { session, url } = await startConsoleSession();
const browser = await launchChromium(executablePath);
try {
  await session.upload('releases/edge-agent/1.4.0/synonyms.txt', 'laptop, notebook\n');
  await session.upload('releases/edge-plugin/2.1.0/plugin.txt', 'phone, mobile\n');
  await session.settled();
  const failed = session.engine.list().find((e) => e.status === 'FAILED');
  if (!failed) throw new Error('expected the edge-plugin release to fail (its OpenSearch package does not exist)');
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${url}#/execution/${encodeURIComponent(failed.executionArn)}`);
  const failedNode = page.locator('#graph g.node[data-outcome="failed"]');
  await failedNode.click();
  await page.waitForSelector('#selected-state');
  mkdirSync(new URL('.', OUT), { recursive: true });
  await page.screenshot({ path: OUT.pathname, clip: { x: 0, y: 0, width: 1360, height: 1000 } });
  console.log(`wrote ${OUT.pathname}`);
} finally {
  await browser.close();
  await session.close();
}
