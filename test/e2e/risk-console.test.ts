/**
 * The admin console's Risk tab in a real browser: an admin sees a breaker flag raised by a
 * gambling-pattern sender, clears it, bans a player by id (the player's page loses its
 * connection) and unbans them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { buildWebPage, launchBrowser, SCREENSHOTS, signIn } from './browser.js';

describe('risk tab', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;

  beforeAll(async () => {
    buildWebPage();
    server = await startTestServer({ WEB_DIR: 'dist/web', RISK_BREAKER_REPEAT: '3' });
    browser = await launchBrowser();
    admin = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await admin.goto(`${server.url}/#ops`);
    await admin.getByTestId('name').fill('Ops');
    await admin.getByTestId('role').selectOption('admin');
    await admin.getByTestId('join').click();
    await admin.getByTestId('feed').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await server.close();
  });

  it('shows a breaker flag with its evidence and clears it', async () => {
    await server.mint('jielong-host', 10_000);
    const sender = await server.client('jielong-host');
    await sender.join('ops');
    for (let i = 0; i < 2; i++)
      await sender.sendPacket({ roomId: 'ops', kind: 'equal', amount: 520, count: 1 });
    await expect(
      sender.sendPacket({ roomId: 'ops', kind: 'equal', amount: 520, count: 1 }),
    ).rejects.toMatchObject({
      code: 'RISK_BLOCKED',
    });
    await admin.getByTestId('tab-risk').click();
    await admin.getByRole('button', { name: 'Refresh' }).click();
    const flag = admin.getByTestId('risk-flag');
    await expect.poll(() => flag.textContent()).toMatch(/breaker jielong-host — amount: 520/);
    await admin.screenshot({ path: `${SCREENSHOTS}/risk-console.png` });
    await flag.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => flag.count()).toBe(0);
    await sender.sendPacket({ roomId: 'ops', kind: 'equal', amount: 520, count: 1 });
  });

  it('bans a player by id (their page is disconnected) and unbans them', async () => {
    const player = await browser.newPage();
    await signIn(player, server.url, 'Player', 'ops');
    const playerId = await player.evaluate(
      () =>
        (JSON.parse(localStorage.getItem('redpacket.session') ?? '{}') as { userId?: string }).userId ?? '',
    );
    expect(playerId).toMatch(/^player-/);
    await admin.getByTestId('ban-user').fill(playerId);
    await admin.getByTestId('ban-reason').fill('bot farm');
    await admin.getByTestId('ban-submit').click();
    const ban = admin.getByTestId('risk-ban');
    await expect.poll(() => ban.textContent()).toContain(`${playerId} — bot farm`);
    await expect.poll(() => player.locator('header .dot').getAttribute('class')).toContain('offline');
    await ban.getByRole('button', { name: 'Unban' }).click();
    await expect.poll(() => ban.count()).toBe(0);
  });
});
