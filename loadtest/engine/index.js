/**
 * artillery-engine-redpacket: YAML scenarios that speak the red-packet game through the
 * project's own SDK (the @red-packet/sdk workspace package, built by `npm run build:sdk`).
 *
 * Actions (each a flow step):
 *   connect:      { role?: user|host|admin, name? }       sign in (dev token, or JWT_SECRET)
 *   syncTime:     {}                                       server clock offset (for lag)
 *   join:         { room }
 *   chat:         { room, text, count?, everyMs? }
 *   mint:         { amount }                               test money (admin dev token)
 *   sendPacket:   { room, kind, total|amount, count }
 *   grabPackets:  { room, forMs, reactionMs?: [min,max] }  grab packets as they appear
 *   hostRain:     { room, members?, total, drops, durationMs, startInMs?, sharesPerDrop?, dropTtlMs?, waitMs? }
 *   rainGrab:     { room, reactionMs?: [min,max], grabRatio?, waitMs? }  play one rain to its end
 *   listen:       { room, waitMs? }                         listen to the next karaoke packet, then grab
 *   showCode:     { room, screen, total, count, forMs? }    send a QR-code packet in `room` and show its
 *                                                          rotating code on the `screen` room's chat
 *   scanCode:     { screen, reactionMs?, waitMs? }          read the latest code off the screen and claim
 *                                                          it (code:claim) without joining the packet's room
 *   disconnect:   {}
 * plus artillery's think, loop and function.
 *
 * Metrics: histograms redpacket.grab_latency, redpacket.drop_grab_latency (ms, ack round
 * trip) and redpacket.drop_delivery_lag (server send time → client receipt, with the clock
 * offset); counters redpacket.grab.<outcome>, redpacket.drop.<outcome>, redpacket.drops_seen;
 * redpacket.code_claim_latency and redpacket.code_claim.<outcome> for scanCode.
 */
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');

let sdkModule;
const loadSdk = () => (sdkModule ??= import('@red-packet/sdk'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const between = ([min, max] = [150, 600]) => min + Math.random() * (max - min);
const outcome = (err) => (err && err.code ? err.code : 'ERROR');
/** How a showCode host writes a code on its screen room (what a phone camera would read). */
const QR_PREFIX = 'QR ';

class RedPacketEngine {
  constructor(script, ee, helpers) {
    this.script = script;
    this.ee = ee;
    this.helpers = helpers;
    this.target = script.config.target;
    this.options = { wireFormat: 'msgpack', ...(script.config.redpacket || {}) };
    return this;
  }

  createScenario(spec, ee) {
    const steps = spec.flow.map((step) => this.step(step, ee));
    return (initialContext, done) => {
      ee.emit('started');
      const run = async () => {
        let context = initialContext;
        try {
          for (const step of steps)
            context = await new Promise((resolve, reject) =>
              step(context, (err, ctx) => (err ? reject(err) : resolve(ctx))),
            );
        } finally {
          context?.redpacket?.client?.close();
        }
        return context;
      };
      run().then(
        (ctx) => done(null, ctx),
        (err) => {
          ee.emit('error', outcome(err));
          done(err, initialContext);
        },
      );
    };
  }

  /** Wraps an async action as an artillery step (context, callback). */
  action(fn) {
    return (context, callback) => {
      fn(context).then(
        () => callback(null, context),
        (err) => callback(err, context),
      );
    };
  }

  step(rs, ee) {
    if (rs.loop)
      return this.helpers.createLoopWithCount(
        rs.count || -1,
        rs.loop.map((s) => this.step(s, ee)),
        {},
      );
    if (rs.think) return this.helpers.createThink(rs, this.script.config.defaults?.think || {});
    if (rs.function) {
      return (context, callback) => {
        const fn = this.script.config.processor?.[rs.function];
        if (!fn) return process.nextTick(() => callback(null, context));
        return fn(context, ee, () => callback(null, context));
      };
    }
    const [name, args = {}] = Object.entries(rs)[0] ?? [];
    const impl = this.actions(ee)[name];
    if (!impl) throw new Error(`redpacket engine: unknown action ${name}`);
    return this.action((context) => impl(context, args));
  }

  actions(ee) {
    const client = (context) => {
      const c = context.redpacket?.client;
      if (!c) throw new Error('connect first');
      return c;
    };
    const timed = async (metric, fn) => {
      const started = performance.now();
      try {
        return await fn();
      } finally {
        ee.emit('histogram', metric, performance.now() - started);
      }
    };
    return {
      connect: async (context, { role = 'user', name } = {}) => {
        const { RedPacketClient } = await loadSdk();
        const userId = `${role}-${context.vars.$uuid ?? Math.random().toString(36).slice(2)}`.slice(0, 64);
        const token = await this.token(userId, name || userId.slice(0, 32), role);
        // Spread connections over every node when the runner names several (REDPACKET_TARGETS).
        const targets = process.env.REDPACKET_TARGETS
          ? process.env.REDPACKET_TARGETS.split(',')
          : [this.target];
        const url = targets[Math.floor(Math.random() * targets.length)];
        const c = new RedPacketClient({
          url,
          token,
          wireFormat: this.options.wireFormat,
          ackTimeoutMs: 15_000,
        });
        await c.connect();
        context.redpacket = { client: c, userId, token };
        ee.emit('counter', 'redpacket.connected', 1);
      },
      syncTime: async (context) => {
        await client(context).syncTime(5);
      },
      join: async (context, { room }) => {
        await client(context).join(room);
      },
      chat: async (context, { room, text = 'hello', count = 1, everyMs = 1000 }) => {
        for (let i = 0; i < count; i++) {
          await timed('redpacket.chat_latency', () => client(context).chat(room, `${text} #${i}`));
          if (i + 1 < count) await sleep(everyMs);
        }
      },
      mint: async (context, { amount }) => {
        const admin = await this.token('loadtest-admin', 'loadtest admin', 'admin');
        const res = await fetch(`${this.target}/v1/admin/wallets/${context.redpacket.userId}/credit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ amount }),
        });
        if (!res.ok) throw new Error(`mint failed: ${res.status}`);
      },
      sendPacket: async (context, { room, ...spec }) => {
        await timed('redpacket.send_latency', () => client(context).sendPacket({ roomId: room, ...spec }));
        ee.emit('counter', 'redpacket.packets_sent', 1);
      },
      grabPackets: async (context, { room, forMs = 10_000, reactionMs }) => {
        const c = client(context);
        const grabs = [];
        const off = c.on('packet:created', (p) => {
          if (p.roomId !== room || p.unlock) return;
          grabs.push(
            sleep(between(reactionMs)).then(() =>
              timed('redpacket.grab_latency', () => c.grab(p.id)).then(
                () => ee.emit('counter', 'redpacket.grab.ok', 1),
                (err) => ee.emit('counter', `redpacket.grab.${outcome(err)}`, 1),
              ),
            ),
          );
        });
        await sleep(forMs);
        off();
        await Promise.all(grabs);
      },
      hostRain: async (context, { room, members = 0, waitMs = 120_000, ...spec }) => {
        const c = client(context);
        const deadline = Date.now() + waitMs;
        while (members > 0 && (await c.join(room)).members < members && Date.now() < deadline)
          await sleep(500);
        const ended = c.waitFor('rain:ended', () => true, waitMs);
        await c.scheduleRain({ roomId: room, ...spec });
        ee.emit('counter', 'redpacket.rains_hosted', 1);
        const end = await ended;
        ee.emit('counter', 'redpacket.rain_paid_fen', end.totals.paid);
        ee.emit('counter', 'redpacket.rain_refunded_fen', end.totals.refunded);
      },
      rainGrab: async (context, { room, reactionMs, grabRatio = 1, waitMs = 180_000 }) => {
        const c = client(context);
        const pending = [];
        const offDrops = c.on('rain:drops', (e) => {
          ee.emit('histogram', 'redpacket.drop_delivery_lag', Math.max(0, c.serverNow() - e.serverTime));
          for (const d of e.drops) {
            ee.emit('counter', 'redpacket.drops_seen', 1);
            if (Math.random() >= grabRatio) continue;
            pending.push(
              sleep(Math.min(between(reactionMs), Math.max(0, d.ttlMs - 50))).then(() =>
                timed('redpacket.drop_grab_latency', () => c.grabDrop(e.rainId, d.dropId)).then(
                  () => ee.emit('counter', 'redpacket.drop.ok', 1),
                  (err) => ee.emit('counter', `redpacket.drop.${outcome(err)}`, 1),
                ),
              ),
            );
          }
        });
        try {
          const snapshot = await c.join(room);
          if (snapshot.rain?.rain.status !== 'ended') await c.waitFor('rain:ended', () => true, waitMs);
        } finally {
          offDrops();
          await Promise.all(pending);
        }
      },
      listen: async (context, { room, waitMs = 120_000 }) => {
        const c = client(context);
        const packet = await c.waitFor(
          'packet:created',
          (p) => p.roomId === room && Boolean(p.unlock),
          waitMs,
        );
        const t0 = performance.now();
        const source = {
          get currentTime() {
            return (performance.now() - t0) / 1000;
          },
        };
        await c.listen(packet.id, source, { intervalMs: 2_000 }).done;
        await timed('redpacket.grab_latency', () => c.grab(packet.id)).then(
          () => ee.emit('counter', 'redpacket.karaoke_grab.ok', 1),
          (err) => ee.emit('counter', `redpacket.karaoke_grab.${outcome(err)}`, 1),
        );
      },
      showCode: async (context, { room, screen, total, count, forMs = 20_000 }) => {
        const { RedPacketHttp } = await loadSdk();
        const c = client(context);
        await c.join(room);
        await c.join(screen);
        const { packet } = await timed('redpacket.send_latency', () =>
          c.sendPacket({ roomId: room, kind: 'lucky', total, count, claim: { type: 'code' } }),
        );
        ee.emit('counter', 'redpacket.packets_sent', 1);
        const http = new RedPacketHttp({ url: this.target, token: context.redpacket.token });
        const until = Date.now() + forMs;
        while (Date.now() < until) {
          let view;
          try {
            view = await http.packetCode(packet.id);
          } catch (err) {
            // All shares taken (or expired): nothing left to show.
            if (err.code === 'PACKET_EMPTY' || err.code === 'PACKET_EXPIRED') break;
            throw err;
          }
          await c.chat(screen, `${QR_PREFIX}${view.code}`);
          ee.emit('counter', 'redpacket.codes_shown', 1);
          await sleep(Math.min(until - Date.now(), Math.max(100, view.expiresAt - view.serverTime + 50)));
        }
      },
      scanCode: async (context, { screen, reactionMs, waitMs = 60_000 }) => {
        const c = client(context);
        const isCode = (m) => m.roomId === screen && m.text.startsWith(QR_PREFIX);
        let timer;
        let off = () => undefined;
        const shown = new Promise((resolve, reject) => {
          off = c.on('chat:message', (m) => isCode(m) && resolve(m));
          timer = setTimeout(() => reject(new Error(`no code on ${screen} within ${waitMs} ms`)), waitMs);
        });
        let line;
        try {
          const snapshot = await c.join(screen);
          line = [...snapshot.chat].reverse().find(isCode) ?? (await shown);
        } finally {
          off();
          clearTimeout(timer);
          shown.catch(() => undefined);
        }
        await c.leave(screen);
        await sleep(between(reactionMs));
        await timed('redpacket.code_claim_latency', () =>
          c.claimCode(line.text.slice(QR_PREFIX.length)),
        ).then(
          () => ee.emit('counter', 'redpacket.code_claim.ok', 1),
          (err) => ee.emit('counter', `redpacket.code_claim.${outcome(err)}`, 1),
        );
      },
      disconnect: async (context) => {
        context.redpacket?.client?.close();
      },
    };
  }

  /** A token: signed with JWT_SECRET when set, else a dev token from the target. */
  async token(userId, name, role) {
    if (process.env.JWT_SECRET) {
      const { TokenService } = await import(
        pathToFileURL(path.resolve(__dirname, '../../dist/server/auth/tokens.js')).href
      );
      return new TokenService(process.env.JWT_SECRET).sign({ userId, name, role });
    }
    const res = await fetch(`${this.target}/v1/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, name, role }),
    });
    if (!res.ok)
      throw new Error(`no token: dev tokens answered ${res.status}; set JWT_SECRET to the target's secret`);
    return (await res.json()).token;
  }
}

module.exports = RedPacketEngine;
