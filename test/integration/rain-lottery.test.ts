/**
 * A lottery rain end to end through the SDK, on a server whose clock the test moves: grabs
 * before the reaction floor are refused, grabs in the window become tickets whose acks come at
 * window close (winners their amount, losers LOTTERY_LOST), `rain:ended` reveals the seed, and
 * the replay bundle verifies against it. The host's report flags the early tap.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RainEndedEvent } from '@red-packet/sdk/protocol';
import type { RainReport, ReplayBundle } from '@red-packet/sdk/rain-fairness';
import type { RedPacketError } from '@red-packet/sdk';
import { runReplayCommand } from '../../server/cli/replay-command.js';
import { ManualClock } from '../../server/domain/clock.js';
import { verifyReplay } from '../../server/domain/rain-replay.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe.each(storeBackends())('lottery rain on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer;
  const clock = new ManualClock(1_800_000_000_000);
  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer({ ...backend.env, RAIN_TICK_MS: '20', RAIN_SCAN_MS: '20' }, { clock });
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('tickets in the window, drawn at its close; early taps refused; replay verifies', async () => {
    await server.mint('lot-host', 10_000);
    const host = await server.client('lot-host', 'host');
    await host.join('lotto');
    const players = await Promise.all(Array.from({ length: 30 }, (_, i) => server.client(`lp${i}`)));
    await Promise.all(players.map((p) => p.join('lotto')));
    const eager = players[0]!;

    const { rain } = await host.scheduleRain({
      roomId: 'lotto',
      total: 1_000,
      drops: 1,
      sharesPerDrop: 5,
      startInMs: 0,
      durationMs: 1_000,
      dropTtlMs: 2_000,
    });
    expect(rain).toMatchObject({ mode: 'lottery', windowMs: 400, reactionFloorMs: 150, maxTapsPerSec: 8 });
    expect(rain.seedHash).toMatch(/^[0-9a-f]{64}$/);
    const t0 = clock.now();

    const dropsSeen = eager.waitFor('rain:drops', (e) => e.rainId === rain.id);
    clock.set(t0 + 1_000); // the one drop falls somewhere in the first second
    const { drops, serverTime: releasedAt } = await dropsSeen;
    const dropId = drops[0]!.dropId;

    await expect(eager.grabDrop(rain.id, dropId)).rejects.toMatchObject({ code: 'GRAB_TOO_EARLY' });
    clock.set(releasedAt + 150); // the window opens
    const outcomes = players.map((p) =>
      p.grabDrop(rain.id, dropId).then(
        (r) => ({ won: r.amount }),
        (err: unknown) => ({ refused: (err as RedPacketError).code }),
      ),
    );
    // Every tap is in as a ticket in this node's batch before the window closes.
    const hostToken = await server.token('lot-host', 'host');
    await expect.poll(() => server.app.rains.ticketsHeld).toBe(30);
    await expect(eager.grabDrop(rain.id, dropId)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    const replayEarly = await server.http('GET', `/v1/rains/${rain.id}/replay`, { token: hostToken });
    expect(replayEarly.status).toBe(409);
    expect(replayEarly.body.error?.code).toBe('RAIN_NOT_OVER');

    const ended = eager.waitFor('rain:ended', (e) => e.rainId === rain.id);
    // The window closes, the node hands its batch in and, after the grace, the driver draws.
    clock.set(releasedAt + 550 + server.app.config.rain.batchGraceMs);
    const results = await Promise.all(outcomes);
    const winners = results.filter((r): r is { won: number } => 'won' in r);
    expect(winners).toHaveLength(5);
    expect(winners.reduce((s, w) => s + w.won, 0)).toBe(1_000);
    expect(results.filter((r) => 'refused' in r && r.refused === 'LOTTERY_LOST')).toHaveLength(25);

    clock.set(releasedAt + 2_000); // the drop's life is over: the rain ends and reveals its seed
    const end: RainEndedEvent = await ended;
    expect(end.totals).toMatchObject({ paid: 1_000, refunded: 0, grabs: 5, winners: 5 });
    expect(createHash('sha256').update(end.seed).digest('hex')).toBe(rain.seedHash);

    const replay = await server.http('GET', `/v1/rains/${rain.id}/replay`, {
      token: await server.token('anyone'),
    });
    expect(replay.status).toBe(200);
    const bundle = replay.body as unknown as ReplayBundle;
    expect(bundle.drops[0]).toMatchObject({ dropId, releasedAt });
    expect(bundle.drops[0]!.tickets).toHaveLength(30);
    expect(verifyReplay(bundle)).toMatchObject({
      ok: true,
      checked: { claims: 5, paid: 1_000, draws: 1, passedOver: 0 },
    });
    // An ended rain's replay is built once: later reads come from memory, not the store.
    const trailReads = vi.spyOn(server.app.store.lottery, 'rainTrail');
    const again = await server.http('GET', `/v1/rains/${rain.id}/replay`, { token: await server.token('b') });
    expect(again.body).toEqual(replay.body);
    expect(trailReads).not.toHaveBeenCalled();
    // The details read the board to a bound, not whole.
    const boardReads = vi.spyOn(server.app.store.rains, 'rainLeaderboard');
    const details = await server.http('GET', `/v1/rains/${rain.id}`, { token: await server.token('b') });
    expect(details.body).toMatchObject({ totals: { winners: 5 } });
    expect(boardReads).toHaveBeenCalledWith(rain.id, 1000);
    trailReads.mockRestore();
    boardReads.mockRestore();
    const cli = await runReplayCommand([rain.id, '--url', server.url, '--token', await server.token('p')]);
    expect(cli.exitCode).toBe(0);
    expect(cli.output).toContain('checked 1 drops, 1 lottery draws, 5 paid shares (1000 fen)');

    const report = (await server.http('GET', `/v1/rains/${rain.id}/report`, { token: hostToken }))
      .body as unknown as RainReport;
    expect(report.flags).toEqual([
      expect.objectContaining({ userId: 'lp0', belowFloor: 1, rateLimited: 0, fastestReactionMs: 0 }),
    ]);
    expect(report.winnings).toHaveLength(5);
    expect(report.reactions).toMatchObject({ count: 31, p10: 150, median: 150 });
    expect(report.timeline.reduce((s, b) => s + b.releases, 0)).toBe(1);
    const forbidden = await server.http('GET', `/v1/rains/${rain.id}/report`, {
      token: await server.token('other-host', 'host'),
    });
    expect(forbidden.status).toBe(403);
    await server.expectBalanced();
  }, 30_000);

  it('holds every player to maxGrabsPerUser: draws pass over winners at the cap; replay verifies', async () => {
    await server.mint('cap-host', 10_000);
    const host = await server.client('cap-host', 'host');
    await host.join('capped');
    const players = await Promise.all(Array.from({ length: 6 }, (_, i) => server.client(`cp${i}`)));
    await Promise.all(players.map((p) => p.join('capped')));
    const { rain } = await host.scheduleRain({
      roomId: 'capped',
      total: 1_800,
      drops: 6,
      sharesPerDrop: 3,
      split: 'equal',
      maxGrabsPerUser: 1,
      startInMs: 1_000,
      durationMs: 1_000,
      dropTtlMs: 2_000,
      reactionFloorMs: 0,
    });
    expect(rain.maxGrabsPerUser).toBe(1);
    const t0 = clock.now();

    // Every drop falls in one tick; every player takes a ticket in all six windows at once.
    const released: string[] = [];
    let releasedAt = 0;
    const allOut = new Promise<void>((resolve) =>
      players[0]!.on('rain:drops', (e) => {
        if (e.rainId !== rain.id) return;
        released.push(...e.drops.map((d) => d.dropId));
        releasedAt = e.serverTime;
        if (released.length === 6) resolve();
      }),
    );
    clock.set(t0 + 2_000);
    await allOut;
    const grabs = players.flatMap((p, i) =>
      released.map((dropId) =>
        p.grabDrop(rain.id, dropId).then(
          (r) => ({ player: `cp${i}`, won: r.amount }),
          (err: unknown) => ({ player: `cp${i}`, refused: (err as RedPacketError).code }),
        ),
      ),
    );
    await expect.poll(() => server.app.rains.ticketsHeld).toBe(36);

    const ended = host.waitFor('rain:ended', (e) => e.rainId === rain.id);
    // Every window closes (plus the grace): six batches, six draws.
    clock.set(releasedAt + 400 + server.app.config.rain.batchGraceMs);
    const results = await Promise.all(grabs);
    const wins = results.filter((r): r is { player: string; won: number } => 'won' in r);
    // Six players, one share each: the first two draws pay them all, the rest pass them over.
    expect(wins.map((w) => w.player).sort()).toEqual(players.map((_, i) => `cp${i}`));
    expect(wins.every((w) => w.won === 100)).toBe(true);
    expect(results.filter((r) => 'refused' in r && r.refused === 'LOTTERY_LOST')).toHaveLength(30);
    // First come after the draw: shares are left, but not for anyone at the cap.
    await expect(players[0]!.grabDrop(rain.id, released[5]!)).rejects.toMatchObject({
      code: 'GRAB_CAP_REACHED',
    });

    clock.set(releasedAt + 2_000);
    const end: RainEndedEvent = await ended;
    expect(end.totals).toMatchObject({ paid: 600, refunded: 1_200, grabs: 6, winners: 6 });
    const replay = await server.http('GET', `/v1/rains/${rain.id}/replay`, {
      token: await server.token('anyone'),
    });
    const verdict = verifyReplay(replay.body as unknown as ReplayBundle);
    expect(verdict).toMatchObject({ ok: true, checked: { draws: 6, claims: 6, paid: 600 } });
    expect(verdict.checked.passedOver).toBeGreaterThanOrEqual(24); // all six in each of the last four
    const cli = await runReplayCommand([rain.id, '--url', server.url, '--token', await server.token('p')]);
    expect(cli.exitCode).toBe(0);
    expect(cli.output).toContain(
      `cap 1 shares per user, ${verdict.checked.passedOver} ticket holders passed over`,
    );
    await server.expectBalanced();
  }, 30_000);

  it('refuses a lottery whose drops die before their window closes, and unknown modes', async () => {
    await server.mint('lot-host2', 10_000);
    const token = await server.token('lot-host2', 'host');
    const body = { total: 1_000, drops: 10, durationMs: 5_000, startInMs: 60_000 };
    const short = await server.http('POST', '/v1/rooms/lotto2/rains', {
      token,
      body: { ...body, dropTtlMs: 550 },
    });
    expect(short.status).toBe(400);
    expect(short.body.error?.message).toContain('reactionFloorMs + windowMs');
    const race = await server.http('POST', '/v1/rooms/lotto2/rains', {
      token,
      body: { ...body, dropTtlMs: 550, mode: 'race' },
    });
    expect(race.status).toBe(201);
    const casino = await server.http('POST', '/v1/rooms/lotto2/rains', {
      token,
      body: { ...body, mode: 'casino' },
    });
    expect(casino.body.error?.code).toBe('INVALID_PAYLOAD');
    const rainId = (race.body.rain as { id: string }).id;
    await server.http('DELETE', `/v1/rains/${rainId}`, { token });
    await server.expectBalanced();
  });
});
