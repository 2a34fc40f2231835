/**
 * QR codes in a real browser. A host sends a code packet and the page shows its QR; the test
 * decodes the QR from a screenshot (jsQR), opens the URL it encodes on a phone-sized browser
 * context that has never signed in, signs in there and claims: the balance rises. Then the
 * phone user shows their receive code (收款码), the host scans it the same way and pays, and
 * the phone user opens the exclusive packet.
 */
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { buildWebPage, launchBrowser, SCREENSHOTS, shownBalance, signIn } from './browser.js';

// jsqr is CommonJS typed as an ES default export: take the function whichever way it arrives.
type Decode = typeof jsqrModule.default;
const jsQR: Decode =
  (jsqrModule as unknown as { default?: Decode }).default ?? (jsqrModule as unknown as Decode);

/** The text of the QR code drawn in `canvas`, read back from a screenshot. */
async function decodeQr(canvas: Locator, file: string): Promise<string> {
  const png = PNG.sync.read(await canvas.screenshot({ path: `${SCREENSHOTS}/${file}` }));
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!found) throw new Error(`no QR code in ${file}`);
  return found.data;
}

describe('QR codes on the web page', () => {
  let server: TestServer;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let host: Page;
  let phone: Page;

  beforeAll(async () => {
    buildWebPage();
    server = await startTestServer({ WEB_DIR: 'dist/web' });
    browser = await launchBrowser();
    contexts = await Promise.all([
      browser.newContext({ viewport: { width: 1100, height: 800 } }),
      browser.newContext({ viewport: { width: 390, height: 780 }, hasTouch: true, isMobile: true }),
    ]);
    const pages = await Promise.all(contexts.map((c) => c.newPage()));
    host = pages[0]!;
    phone = pages[1]!;
    await signIn(host, server.url, 'Hostess', 'qr-stage', true);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser.close();
    await server.close();
  });

  it('a scanned packet QR opens a claim page that signs in and claims', async () => {
    await host.getByTestId('mint').click();
    await expect.poll(() => shownBalance(host)).toBe(100_000);
    await host.getByTestId('new-packet').click();
    await host.getByTestId('packet-amount').fill('9');
    await host.getByTestId('packet-count').fill('3');
    await host.getByTestId('packet-claim').selectOption('code');
    await host.getByTestId('packet-send').click();
    const qr = host.getByTestId('qr-canvas');
    await qr.waitFor();
    await expect
      .poll(async () => (await host.getByTestId('qr-countdown').textContent()) ?? '')
      .toMatch(/New code in \d+s/);
    const url = await decodeQr(qr, 'packet-qr.png');
    expect(url).toMatch(
      new RegExp(`^${server.url.replace('127.0.0.1', '(127\\.0\\.0\\.1|localhost)')}/c/P~pk_`),
    );
    expect(await host.getByTestId('qr-link').textContent()).toBe(url);

    // The phone has never been here: the page asks for a name, then one tap claims.
    await phone.goto(url);
    await phone.getByTestId('name').fill('Scanner');
    await phone.getByTestId('join').click();
    await phone.getByTestId('claim-open').click();
    const amount = phone.getByTestId('claim-amount');
    await amount.waitFor();
    const won = Math.round(Number(((await amount.textContent()) ?? '').replace(/[^0-9.]/g, '')) * 100);
    expect(won).toBeGreaterThan(0);
    await expect.poll(() => shownBalance(phone)).toBe(won);
    await phone.screenshot({ path: `${SCREENSHOTS}/qr-claimed-phone.png` });

    // Scanning again pays nothing more.
    await phone.goto(url);
    await phone.getByTestId('claim-open').click();
    await phone.getByTestId('claim-result').getByText('already').waitFor();
    await server.expectBalanced();
  }, 60_000);

  it('a scanned receive code opens a pay page; its owner opens the exclusive packet', async () => {
    await phone.goto(`${server.url}/#qr-stage`);
    await phone.getByTestId('feed').waitFor();
    const before = await shownBalance(phone);
    await phone.getByTestId('my-receive-code').click();
    const url = await decodeQr(phone.getByTestId('receive-qr'), 'receive-qr.png');
    expect(url).toMatch(/\/r\/R~/);
    await phone.locator('.modal .close').click();

    const payer = await contexts[0]!.newPage();
    await payer.goto(url);
    expect(await payer.getByTestId('pay-to').textContent()).toContain('Scanner');
    await payer.getByTestId('pay-amount').fill('5');
    await payer.getByTestId('pay-greeting').fill('for the coffee');
    await payer.getByTestId('pay-send').click();
    await payer.getByTestId('pay-result').getByText('Sent ¥5.00').waitFor();
    await payer.screenshot({ path: `${SCREENSHOTS}/receive-paid.png` });

    await phone.getByTestId('open-received').click();
    await expect.poll(() => shownBalance(phone)).toBe(before + 500);
    await phone.screenshot({ path: `${SCREENSHOTS}/receive-opened-phone.png` });
    await server.expectBalanced();
  }, 60_000);

  it('a password packet shows its phrase; one tap says it in chat and opens it', async () => {
    const before = await shownBalance(phone);
    await host.bringToFront();
    // The QR from the first test is still open over the room.
    const closers = host.locator('.modal .close');
    while ((await closers.count()) > 0) await closers.first().click();
    await host.getByTestId('new-packet').click();
    await host.getByTestId('packet-amount').fill('3');
    await host.getByTestId('packet-count').fill('2');
    await host.getByTestId('packet-phrase').fill('芝麻开门');
    await host.getByTestId('packet-send').click();

    const envelope = phone.locator('[data-testid="envelope"]', { hasText: '🔑' }).last();
    await envelope.waitFor();
    await envelope.click();
    expect(await phone.getByTestId('phrase').textContent()).toContain('芝麻开门');
    await phone.getByTestId('say-it').click();
    const result = phone.getByTestId('grab-result');
    await result.getByText('¥').waitFor();
    const won = Math.round(
      Number(((await result.textContent()) ?? '').replace(/[^0-9.]/g, '').slice(0, 8)) * 100,
    );
    expect(won).toBeGreaterThan(0);
    await expect.poll(() => shownBalance(phone)).toBe(before + won);
    await phone.getByTestId('feed').getByText('芝麻开门').first().waitFor();
    await phone.screenshot({ path: `${SCREENSHOTS}/password-packet-phone.png` });
    await server.expectBalanced();
  }, 60_000);
});
