// A real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for the status
// page and the admin page (playwright gives each launch a fresh, temporary profile). Flags keep it
// off the network: this machine reaches loopback only.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots land here (git-ignored) so a person can look at what the tests saw. */
export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/screenshots', import.meta.url));

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    })
    .catch((error: unknown) => {
      throw new Error(`cannot start ${CHROMIUM} (install Debian's chromium): ${String(error)}`);
    });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
