/**
 * The web page in a real browser: a host and a player in two browser contexts. The host mints
 * test money, sends a group packet the player opens, then schedules a short rain the player
 * taps through; balances rise, the leaderboard shows, the money adds up. Once with an English
 * browser and once with a Chinese one: the page follows the browser's language.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en, enErrors } from '../../web/src/locales/en.js';
import { zhCN, zhCNErrors } from '../../web/src/locales/zh-CN.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { buildWebPage, launchBrowser, SCREENSHOTS, shownBalance, signIn } from './browser.js';

const LANGUAGES = [
  // [page locale, browser locale, its dictionary, screenshot suffix]
  ['en', 'en-US', en, ''],
  ['zh-CN', 'zh-CN', zhCN, '-zh-CN'],
] as const;
const ERRORS = { en: enErrors, 'zh-CN': zhCNErrors } as const;

describe.each(LANGUAGES)('web page in %s', (pageLocale, browserLocale, dict, suffix) => {
  let server: TestServer;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let host: Page;
  let player: Page;

  beforeAll(async () => {
    buildWebPage();
    server = await startTestServer({ WEB_DIR: 'dist/web' });
    browser = await launchBrowser();
    contexts = await Promise.all([
      browser.newContext({ viewport: { width: 1100, height: 800 }, locale: browserLocale }),
      browser.newContext({ viewport: { width: 390, height: 780 }, hasTouch: true, locale: browserLocale }),
    ]);
    const pages = await Promise.all(contexts.map((c) => c.newPage()));
    host = pages[0]!;
    player = pages[1]!;
    await signIn(host, server.url, 'Hostess', 'e2e', true);
    await signIn(player, server.url, 'Player', 'e2e');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser.close();
    await server.close();
  });

  it(`speaks the browser's language (${pageLocale})`, async () => {
    expect(await player.evaluate(() => document.documentElement.lang)).toBe(pageLocale);
    expect(await player.title()).toBe(dict['app.title']);
    expect(await host.getByTestId('host-console').getByRole('heading').textContent()).toBe(
      dict['host.title'],
    );
    expect(await player.getByTestId('lang-switch').textContent()).toBe(dict['lang.switch']);
  });

  it('serves the page and its assets', async () => {
    const res = await server.http('GET', '/');
    expect(res.status).toBe(200);
    expect(String(res.body.text)).toContain('<div id="app">');
    expect(await player.getByTestId('members').textContent()).toMatch(/\d/);
  });

  it('a group packet is sent, opened, and the balance rises', async () => {
    await host.getByTestId('mint').click();
    await expect.poll(() => shownBalance(host)).toBe(100_000);
    await host.getByTestId('new-packet').click();
    await host.getByTestId('packet-amount').fill('6');
    await host.getByTestId('packet-count').fill('3');
    await host.getByTestId('packet-greeting').fill('Happy new year');
    await host.getByTestId('packet-send').click();
    await expect.poll(() => shownBalance(host)).toBe(99_400);

    const envelope = player.getByTestId('envelope').first();
    await envelope.waitFor();
    expect(await envelope.textContent()).toContain('Happy new year');
    await envelope.click();
    await player.getByTestId('open').click();
    const result = player.getByTestId('grab-result');
    await result.getByText('¥').waitFor();
    const won = Math.round(
      Number(((await result.textContent()) ?? '').replace(/[^0-9.]/g, '').slice(0, 8)) * 100,
    );
    expect(won).toBeGreaterThan(0);
    await expect.poll(() => shownBalance(player)).toBe(won);
    await player.getByTestId('claims').getByText('Player').waitFor();
    await player.screenshot({ path: `${SCREENSHOTS}/packet-opened${suffix}.png` });
    await player.locator('.modal .close').click();
    await server.expectBalanced();
  });

  it('a gambling chat line is refused with a clear message and stays in the box to rephrase', async () => {
    const input = player.getByTestId('chat-input');
    await input.fill('来玩 百 家 乐');
    await input.press('Enter');
    const list = dict['content.list'].replace('{list}', 'gambling');
    await player.getByTestId('toast').getByText(`${ERRORS[pageLocale].CONTENT_BLOCKED} (${list})`).waitFor();
    expect(await input.inputValue()).toBe('来玩 百 家 乐');
    await player.screenshot({ path: `${SCREENSHOTS}/chat-blocked${suffix}.png` });
    await input.fill('');
  });

  it('a host schedules a rain; the player taps drops and the balance rises', async () => {
    const before = await shownBalance(player);
    await host.getByTestId('rain-budget').fill('20');
    await host.getByTestId('rain-drops').fill('24');
    await host.getByTestId('rain-duration').fill('3');
    await host.getByTestId('rain-countdown').fill('1');
    await host.getByTestId('rain-ttl').fill('2');
    await host.getByTestId('rain-start').click();

    // The countdown shows, then packets fall; tap what falls until the leaderboard appears.
    await player.getByTestId('rain-layer').waitFor();
    const leaderboard = player.getByTestId('leaderboard');
    await player.waitForFunction(() => document.querySelectorAll('.drop').length >= 4, null, {
      timeout: 15_000,
    });
    await player.screenshot({ path: `${SCREENSHOTS}/rain-falling${suffix}.png` });
    let taps = 0;
    while (!(await leaderboard.isVisible())) {
      const drop = player.locator('.drop:not(.grabbing):not(.gone)').first();
      if (await drop.isVisible().catch(() => false)) {
        await drop.click({ force: true, timeout: 500 }).catch(() => undefined);
        taps += 1;
      } else {
        await player.waitForFunction(
          () =>
            document.querySelector('.drop:not(.grabbing)') ||
            document.querySelector('[data-testid="leaderboard"]'),
          null,
          { timeout: 15_000 },
        );
      }
    }
    expect(taps).toBeGreaterThan(0);
    expect(await leaderboard.textContent()).toContain('Player');
    await expect.poll(() => shownBalance(player)).toBeGreaterThan(before);
    await player.screenshot({ path: `${SCREENSHOTS}/rain-leaderboard${suffix}.png` });
    await expect
      .poll(async () => (await host.getByTestId('rain-stats').textContent()) ?? '')
      .toContain(dict['rain.status.ended']);
    // The host's report, drawn as charts: the default lottery rain, releases and grabs over
    // time, the reaction times with the floor marked, and what the player won.
    const report = host.getByTestId('rain-report');
    await expect.poll(async () => (await report.textContent()) ?? '').toContain('lottery');
    for (const chart of ['chart-timeline', 'chart-reactions', 'chart-winnings'])
      await host.getByTestId(chart).locator('svg rect.chart-bar').first().waitFor({ state: 'attached' });
    expect(await host.getByTestId('chart-reactions').locator('.marker').count()).toBe(1);
    await expect
      .poll(() => host.getByTestId('chart-winnings').locator('rect.chart-bar title').first().textContent())
      .toContain('Player');
    await host.getByTestId('rain-flags').waitFor();
    await host.screenshot({ path: `${SCREENSHOTS}/host-console${suffix}.png` });
    await report.screenshot({ path: `${SCREENSHOTS}/rain-report${suffix}.png` });
    await server.expectBalanced();
  }, 60_000);

  it('the switch flips the language and keeps the player signed in', async () => {
    const other = pageLocale === 'en' ? zhCN : en;
    await player.locator('.modal .close').click(); // the rain's leaderboard
    await Promise.all([player.waitForEvent('load'), player.getByTestId('lang-switch').click()]);
    await player.getByTestId('feed').waitFor();
    expect(await player.evaluate(() => document.documentElement.lang)).toBe(
      pageLocale === 'en' ? 'zh-CN' : 'en',
    );
    expect(await player.getByTestId('lang-switch').textContent()).toBe(other['lang.switch']);
    expect(await player.getByTestId('balance').textContent()).toMatch(/^¥\d+\.\d\d$/);
    await player.screenshot({ path: `${SCREENSHOTS}/switched${suffix}.png` });
  });
});
