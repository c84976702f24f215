import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { mountConsole } from '../../local/console/mount';
import type { LocalSession } from '../../local/session';
import { CONFIG, startSession } from '../e2e/harness';

/**
 * Headless Chromium for the console tests, from the system (Debian's `chromium` package, which
 * .ci/run installs): nothing is downloaded at install time. CHROMIUM_PATH points elsewhere.
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export const NO_BROWSER_MESSAGE =
  'console browser tests SKIPPED: no Chromium found (looked at CHROMIUM_PATH and ' +
  `${CANDIDATES.join(', ')}). Install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`;

export function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/**
 * The twin as `local serve` runs it, with the console on its port. `edge-agent`'s OpenSearch
 * package exists; `edge-plugin`'s does not, so its release fails with OpenSearchPackageNotFound
 * until someone creates it — the fault a redrive fixes.
 */
export async function startConsoleSession(): Promise<{ session: LocalSession; url: string }> {
  const session = await startSession();
  return { session, url: mountConsole(session, CONFIG) };
}
