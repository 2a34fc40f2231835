/**
 * The SDK as an outside app gets it: `npm pack` of the @red-packet/sdk workspace, installed
 * from the tarball into an empty project in a temporary directory (nothing of this repo on
 * its module path), which then connects to a running server, joins a room and chats.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const APP = `
import { RedPacketClient, isErrorCode } from '@red-packet/sdk';
const client = new RedPacketClient({ url: process.env.URL, token: process.env.TOKEN });
await client.connect();
await client.syncTime();
const room = await client.join('outside');
const { message } = await client.chat('outside', 'hello from an installed SDK');
let refused;
try {
  await client.grab('no-such-packet');
} catch (err) {
  refused = err.code;
}
client.close();
console.log(JSON.stringify({ members: room.members, text: message.text, refused, known: isErrorCode(refused) }));
`;

describe('@red-packet/sdk from a packed tarball', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'rp-sdk-consumer-'));
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs into an empty project and plays against a running server', async () => {
    const pack = spawnSync('npm', ['pack', '--workspace', 'shared', '--pack-destination', dir], {
      encoding: 'utf8',
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^red-packet-sdk-.*\.tgz$/);

    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    const install = spawnSync('npm', ['install', `./${tarball}`, '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(install.status, install.stderr).toBe(0);
    writeFileSync(join(dir, 'app.mjs'), APP);

    const listener = await server.client('sdk-listener');
    await listener.join('outside');
    const heard = listener.waitFor('chat:message', (m) => m.text === 'hello from an installed SDK');
    // Asynchronously: the server under test runs in this process and must keep serving.
    const env = { ...process.env, URL: server.url, TOKEN: await server.token('outsider') };
    const run = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['app.mjs'], { cwd: dir, env, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? 1 : 0, stdout, stderr }),
      );
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({
      members: 2,
      text: 'hello from an installed SDK',
      refused: 'NOT_FOUND',
      known: true,
    });
    await heard;
  }, 180_000);
});
