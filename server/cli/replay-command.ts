/**
 * `npm run replay -- <rainId>`: fetches an ended rain's replay bundle (GET /v1/rains/:id/replay),
 * re-derives its timeline, shares and draws from the revealed seed, checks every paid share
 * against them and the ledger (domain/rain-replay.ts), and prints a verdict.
 * Exit code 0 when it verifies, 1 on any mismatch, 2 when it could not be checked.
 *
 *   npm run replay -- <rainId> [--url http://localhost:3000] [--token <JWT>]
 *   npm run replay -- --file bundle.json      (a bundle saved earlier, checked offline)
 *
 * Without --token (or REPLAY_TOKEN) it signs a token with JWT_SECRET, or, against a dev-mode
 * server, asks POST /v1/dev/token for one. Any signed-in user may replay any ended rain.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ReplayBundle } from '@red-packet/sdk/rain-fairness';
import { TokenService } from '../auth/tokens.js';
import { verifyReplay } from '../domain/rain-replay.js';

export interface ReplayCommandResult {
  exitCode: 0 | 1 | 2;
  output: string;
}

type Env = Record<string, string | undefined>;

async function userToken(url: string, explicit: string | undefined, env: Env): Promise<string> {
  if (explicit) return explicit;
  const who = { userId: 'replay-cli', name: 'replay', role: 'user' } as const;
  if (env.JWT_SECRET)
    return new TokenService(env.JWT_SECRET, undefined, {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    }).sign(who, 300);
  const res = await fetch(`${url}/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  if (!res.ok)
    throw new Error(`no token: pass --token or set JWT_SECRET (dev tokens answered ${res.status})`);
  return ((await res.json()) as { token: string }).token;
}

async function fetchBundle(rainId: string, url: string, token: string): Promise<ReplayBundle> {
  const res = await fetch(`${url}/v1/rains/${encodeURIComponent(rainId)}/replay`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as ReplayBundle | { error: { code: string; message: string } };
  if (!res.ok || 'error' in body) {
    throw new Error('error' in body ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`);
  }
  return body;
}

export async function runReplayCommand(argv: string[], env: Env = process.env): Promise<ReplayCommandResult> {
  let bundle: ReplayBundle;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, token: { type: 'string' }, file: { type: 'string' } },
      strict: true,
    });
    if (values.file) {
      bundle = JSON.parse(readFileSync(values.file, 'utf8')) as ReplayBundle;
    } else {
      const rainId = positionals[0];
      if (!rainId)
        return { exitCode: 2, output: 'usage: npm run replay -- <rainId> [--url URL] [--token JWT]' };
      const url = (values.url ?? env.REPLAY_URL ?? 'http://localhost:3000').replace(/\/$/, '');
      bundle = await fetchBundle(rainId, url, await userToken(url, values.token ?? env.REPLAY_TOKEN, env));
    }
  } catch (err) {
    return { exitCode: 2, output: `replay failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const verdict = verifyReplay(bundle);
  const { drops, draws, passedOver, claims, paid } = verdict.checked;
  const cap = bundle.rain.maxGrabsPerUser;
  const lines = [
    `rain ${bundle.rain.id} (${bundle.rain.mode}, ${bundle.rain.status})`,
    `seed ${bundle.seed}`,
    `commitment ${bundle.rain.seedHash}`,
    `cap ${cap === null ? 'none' : `${cap} shares per user`}, ${passedOver} ticket holders passed over at it`,
    `checked ${drops} drops, ${draws} lottery draws, ${claims} paid shares (${paid} fen)`,
    ...verdict.problems.map((p) => `MISMATCH: ${p}`),
    verdict.ok ? 'VERIFIED' : `NOT VERIFIED (${verdict.problems.length} problems)`,
  ];
  return { exitCode: verdict.ok ? 0 : 1, output: lines.join('\n') };
}
