/**
 * `npm run cluster [-- --nodes 3 --port 8080 --postgres]`: Redis, N nodes and nginx on one
 * port, in dev mode (dev tokens on, one random JWT secret shared by the nodes); with
 * `--postgres`, a PostgreSQL as the record of money too (DATABASE_URL on every node; needs
 * the `postgres` binaries: `apt-get install -y postgresql`). Prints the URLs and stops
 * everything on Ctrl-C (the data goes with it). Serves the page from dist/web
 * (`npm run build:web` first).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './cluster.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    port: { type: 'string', default: '8080' },
    postgres: { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const port = Number(values.port);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error('--nodes: 1 to 16');
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port: 0 to 65535');

const secret = randomBytes(24).toString('base64url');
const cluster = await startCluster({
  nodes,
  port,
  postgres: values.postgres,
  env: {
    JWT_SECRET: secret,
    DEV_TOKENS: '1',
    UNSAFE_DEV_TOKENS: '1', // a local demo cluster on one Redis: dev tokens for the page's sign-in
    HOST: '127.0.0.1',
    WEB_DIR: resolve('dist/web'),
    // The production limits, not the test ones.
    RATE_LIMIT_EVENTS_PER_SEC: '50',
    RATE_LIMIT_EVENTS_BURST: '100',
    RATE_LIMIT_CHAT_PER_SEC: '2',
  },
});
const frontPort = new URL(cluster.url).port;
console.log(
  `red-packet cluster: ${String(nodes)} nodes on Redis ${cluster.redis.url}${cluster.databaseUrl ? ` and PostgreSQL ${cluster.databaseUrl}` : ''}, nginx in front`,
);
for (const n of cluster.nodes) console.log(`  ${n.nodeId}  ${n.url}`);
console.log(`\n  open http://localhost:${frontPort}   (dev tokens on; Ctrl-C stops everything)\n`);
console.log(`  audit: JWT_SECRET=${secret} npm run audit -- --url ${cluster.url}`);
if (cluster.databaseUrl)
  console.log(
    `  audit of PostgreSQL alone: npm run audit -- --source postgres --database-url ${cluster.databaseUrl}`,
  );

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\nstopping nginx, the nodes and Redis${cluster.databaseUrl ? ' and PostgreSQL' : ''}…`);
  cluster.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
