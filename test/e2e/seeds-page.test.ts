/**
 * Issue 18's mechanics in a real browser (Debian's Chromium):
 *   - a timed packet (定时红包): the envelope counts down on the server's clock, reaches 0:00,
 *     turns into an Open button, and opens;
 *   - a location-fenced packet (同城 / 地理围栏): a player in another room finds it through
 *     the Nearby list with the location the browser context grants (`geolocation`
 *     permission, `setGeolocation`), sees the "within 300 m" hint, is refused OUT_OF_AREA from
 *     a kilometre away and paid from inside the fence.
 * The money adds up after each.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RedPacketClient } from '@red-packet/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M } from '../../server/domain/geo-fence.js';
import { en, enErrors } from '../../web/src/locales/en.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { buildWebPage, launchBrowser, SCREENSHOTS, shownBalance, signIn } from './browser.js';

const DEGREE_M = (EARTH_RADIUS_M * Math.PI) / 180;
/** A shop opening on Nanjing Road, Shanghai. */
const SHOP = { latitude: 31.2352, longitude: 121.4747 };
const northOfShop = (m: number) => ({ ...SHOP, latitude: SHOP.latitude + m / DEGREE_M, accuracy: 15 });

describe('timed and fenced packets in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let player: Page;
  let host: RedPacketClient;

  beforeAll(async () => {
    buildWebPage();
    server = await startTestServer({ WEB_DIR: 'dist/web' });
    await server.mint('shop', 100_000);
    host = await server.client('shop', 'host');
    await host.join('street');
    await host.join('grand-opening');
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 390, height: 780 },
      hasTouch: true,
      locale: 'en-US',
    });
    player = await context.newPage();
    await signIn(player, server.url, 'Walker', 'street');
  }, 120_000);

  afterAll(async () => {
    host.close();
    await context.close();
    await browser.close();
    await server.close();
  });

  it('a timed packet counts down to zero on the server clock, then opens', async () => {
    const { packet } = await host.sendPacket({
      roomId: 'street',
      kind: 'equal',
      amount: 300,
      count: 2,
      greeting: 'Opens soon',
      opensInMs: 6_000,
    });
    const envelope = player.locator(`[data-testid="envelope"][data-packet-id="${packet.id}"]`);
    await envelope.waitFor();
    expect(await envelope.textContent()).toContain('⏰');
    await envelope.click();
    const countdown = player.getByTestId('envelope').getByTestId('countdown');
    await countdown.waitFor();
    expect(await countdown.textContent()).toMatch(/^Opens in 0:0[1-6]$/);
    await player.screenshot({ path: `${SCREENSHOTS}/timed-countdown.png` });
    // The countdown element is replaced by the Open button when it reaches zero.
    await expect
      .poll(() => countdown.textContent({ timeout: 500 }).catch(() => 'gone'), { timeout: 15_000 })
      .toMatch(/0:01|gone/);
    const open = player.getByTestId('open');
    await open.waitFor({ timeout: 15_000 });
    expect(await countdown.count()).toBe(0);
    await open.click();
    const result = player.getByTestId('grab-result');
    await result.getByText('¥3.00').waitFor();
    await expect.poll(() => shownBalance(player)).toBe(300);
    await player.screenshot({ path: `${SCREENSHOTS}/timed-opened.png` });
    await player.locator('.modal .close').click();
    await server.expectBalanced();
  });

  it('a fenced packet found nearby: refused from a kilometre away, paid inside the fence', async () => {
    const before = await shownBalance(player);
    const { packet } = await host.sendPacket({
      roomId: 'grand-opening', // a room the player never joins: the fence decides, not the room
      kind: 'equal',
      amount: 500,
      count: 3,
      greeting: 'Grand opening!',
      fence: { lat: SHOP.latitude, lng: SHOP.longitude, radiusM: 300 },
    });
    await context.grantPermissions(['geolocation'], { origin: server.url });
    await context.setGeolocation(northOfShop(1_000));

    await player.getByTestId('nearby').click();
    const item = player.locator(`[data-testid="nearby-packet"][data-packet-id="${packet.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('1.0 km away');
    await player.screenshot({ path: `${SCREENSHOTS}/fenced-nearby.png` });
    await item.click();
    const hint = player.getByTestId('fence-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toBe(`📍 ${en['fence.within'].replace('{distance}', '300 m')}`);
    await player.getByTestId('open').click();
    const refused = player.getByTestId('grab-error');
    await refused.waitFor();
    expect(await refused.textContent()).toBe(enErrors.OUT_OF_AREA);
    await player
      .getByTestId('grab-result')
      .getByText(en['fence.away'].replace('{distance}', '1.0 km'))
      .waitFor();
    await player.screenshot({ path: `${SCREENSHOTS}/fenced-out-of-area.png` });
    expect(await shownBalance(player)).toBe(before);
    expect((await server.app.store.packets.getPacket(packet.id))?.remainingCount).toBe(3);
    await player.locator('.modal .close').click();

    // Walk to the shop (120 m from its centre) and try again.
    await context.setGeolocation(northOfShop(120));
    await player.getByTestId('nearby').click();
    await item.waitFor();
    expect(await item.textContent()).toContain('120 m away');
    await item.click();
    await player.getByTestId('open').click();
    await player.getByTestId('grab-result').getByText('¥5.00').waitFor();
    await expect.poll(() => shownBalance(player)).toBe(before + 500);
    await player.screenshot({ path: `${SCREENSHOTS}/fenced-claimed.png` });
    await player.locator('.modal .close').click();
    const log = await server.http('GET', `/v1/admin/packets/${packet.id}/locations`, {
      token: await server.token('ops', 'admin'),
    });
    expect((log.body as { attempts: { inside: boolean; distanceM: number }[] }).attempts).toEqual([
      expect.objectContaining({ inside: true, distanceM: 120 }),
      expect.objectContaining({ inside: false, distanceM: 1_000 }),
    ]);
    await server.expectBalanced();
  });

  it('the packet form fences a packet to where the sender stands; it shows in the feed and nearby', async () => {
    const before = await shownBalance(player);
    await player.getByTestId('new-packet').click();
    await player.getByTestId('packet-amount').fill('2');
    await player.getByTestId('packet-count').fill('1');
    await player.getByTestId('packet-greeting').fill('Found me');
    await player.getByTestId('packet-fence').selectOption('300');
    await player.getByTestId('packet-send').click();
    await expect.poll(() => shownBalance(player)).toBe(before - 200);
    const envelope = player.getByTestId('envelope').filter({ hasText: 'Found me' });
    await envelope.waitFor();
    expect(await envelope.textContent()).toContain('📍');
    await player.getByTestId('nearby').click();
    const item = player.getByTestId('nearby-packet').filter({ hasText: 'Found me' });
    await item.waitFor();
    expect(await item.textContent()).toContain('0 m away');
    await player.locator('.modal .close').click();
    const sent = await host.nearby({ lat: northOfShop(120).latitude, lng: SHOP.longitude, radiusM: 10 });
    expect(sent.packets.map((p) => p.packet.greeting)).toContain('Found me');
    expect(sent.packets.find((p) => p.packet.greeting === 'Found me')?.packet.fence?.radiusM).toBe(300);
    await server.expectBalanced();
  });
});
