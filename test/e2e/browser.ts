/**
 * Debian's Chromium driven by playwright-core, for the browser tests. `npm test` installs
 * Chromium (scripts/provision-test-deps.sh); screenshots go to test-results/e2e/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/e2e';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error('Chromium is not installed: run `apt-get install -y chromium` (as root)');
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Builds the web page into dist/web (what the server serves at `/`). */
export function buildWebPage(): void {
  execFileSync('npm', ['run', 'build:web', '--silent'], { stdio: 'pipe' });
}

/** Signs in through the page's form as `name` in `room` (a host when `host`). */
export async function signIn(
  page: Page,
  url: string,
  name: string,
  room: string,
  host = false,
): Promise<void> {
  await page.goto(`${url}/#${room}`);
  await page.getByTestId('name').fill(name);
  if (host) await page.getByTestId('role').selectOption('host');
  await page.getByTestId('join').click();
  await page.getByTestId('feed').waitFor();
}

/** The wallet balance the page shows, in fen. */
export async function shownBalance(page: Page): Promise<number> {
  const text = (await page.getByTestId('balance').textContent()) ?? '';
  return Math.round(Number(text.replace(/[^0-9.]/g, '')) * 100);
}
