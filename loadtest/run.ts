/**
 * npm run loadtest -- <scenario> [--target URL] [--nodes N]
 *
 * Runs an artillery scenario (loadtest/scenarios) against a deployment (--target, with
 * JWT_SECRET or dev tokens there) or against a server it starts here: one node on the
 * embedded store, or with --nodes N, N nodes sharing a redis-server it starts. Afterwards it
 * takes the conservation audit and fails if any money is unaccounted for.
 *
 * artillery is installed into loadtest/ on first use, so the server's install stays lean.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAuditCommand } from '../server/cli/audit-command.js';
import { startNodeProcess, type NodeProcess } from '../test/helpers/node-process.js';
import { startRedis, type RedisHandle } from '../test/helpers/redis-server.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';

/** A scenario is one artillery script, or several run side by side (rain: members + host). */
const SCENARIOS: Record<string, string[]> = {
  rain: ['rain-members.yml', 'rain-host.yml'],
  'packet-storm': ['packet-storm.yml'],
  chat: ['chat.yml'],
  'qr-claim': ['qr-claimers.yml', 'qr-host.yml'],
};

const ARTILLERY = 'loadtest/node_modules/.bin/artillery';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { target: { type: 'string' }, nodes: { type: 'string' } },
  });
  const name = positionals[0] ?? '';
  const scripts = SCENARIOS[name];
  if (!scripts) {
    console.error(
      `usage: npm run loadtest -- <${Object.keys(SCENARIOS).join('|')}> [--target URL] [--nodes N]`,
    );
    return 2;
  }
  if (!existsSync(ARTILLERY)) {
    console.log('loadtest: installing artillery into loadtest/ (first use)…');
    const install = existsSync('loadtest/package-lock.json') ? 'ci' : 'install';
    const env = {
      ...process.env,
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      playwright_skip_browser_download: '1',
    };
    const result = spawnSync('npm', [install, '--prefix', 'loadtest', '--no-audit', '--no-fund'], {
      stdio: 'inherit',
      env,
    });
    if (result.status !== 0) return 1;
  }
  console.log('loadtest: building the server and SDK…');
  if (spawnSync('npm', ['run', 'build:server', '--silent'], { stdio: 'inherit' }).status !== 0) return 1;

  let redis: RedisHandle | undefined;
  let nodes: NodeProcess[] = [];
  let targets: string[];
  let secret = process.env.JWT_SECRET;
  try {
    if (values.target) {
      targets = [values.target.replace(/\/$/, '')];
    } else {
      const count = Number(values.nodes ?? 1);
      secret = TEST_SECRET;
      const env: Record<string, string> = {};
      if (count > 1) {
        redis = await startRedis();
        env.REDIS_URL = redis.url;
      }
      nodes = await Promise.all(Array.from({ length: count }, (_, i) => startNodeProcess(env, `load-${i}`)));
      targets = nodes.map((n) => n.url);
      console.log(
        `loadtest: ${count} node(s) at ${targets.join(', ')}${redis ? ` sharing ${redis.url}` : ' (embedded store)'}`,
      );
    }
    const env = {
      ...process.env,
      REDPACKET_TARGETS: targets.join(','),
      ...(secret ? { JWT_SECRET: secret } : {}),
    };
    const codes = await Promise.all(
      scripts.map((script) =>
        run(ARTILLERY, ['run', '--target', targets[0] ?? '', `loadtest/scenarios/${script}`], env),
      ),
    );
    const audit = await runAuditCommand(['--url', targets[0] ?? ''], secret ? { JWT_SECRET: secret } : {});
    console.log(`\nloadtest: conservation audit\n${audit.output}`);
    if (audit.exitCode !== 0) return 1;
    return codes.every((c) => c === 0) ? 0 : 1;
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.destroy();
  }
}

process.exitCode = await main();
