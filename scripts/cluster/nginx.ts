/**
 * nginx (Debian's package) in front of local nodes, run as the current user with its own
 * prefix, config, pid, logs and temp directories in a temporary directory — never the
 * system's nginx. The site config is deploy/nginx/red-packet.conf, the one
 * docs/operations.md documents, with its upstream servers and listen address replaced.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const NGINX_CONF = 'deploy/nginx/red-packet.conf';
export const NGINX_HINT = 'nginx is not installed: run `apt-get install -y nginx` (as root), then retry';

const NGINX = ['/usr/sbin/nginx', 'nginx'].find((bin) => !spawnSync(bin, ['-v']).error);

export interface NginxHandle {
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** The documented site config with `upstreams` (host:port) and `listen` put in. */
export function renderSite(site: string, upstreams: string[], listen: string): string {
  const upstream = /(upstream redpacket \{\n)((?:\s*server [^;]+;\n)+)(\})/;
  if (!upstream.test(site)) throw new Error(`${NGINX_CONF}: no "upstream redpacket { server …; }" block`);
  if (!/^\s*listen [^;]+;$/m.test(site)) throw new Error(`${NGINX_CONF}: no listen directive`);
  return site
    .replace(upstream, (_m, open: string, _servers: string, close: string) => {
      return open + upstreams.map((u) => `  server ${u};\n`).join('') + close;
    })
    .replace(/^(\s*)listen [^;]+;$/m, `$1listen ${listen};`);
}

function mainConfig(dir: string): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events {
  # Each proxied socket holds two connections (client and upstream).
  worker_connections 8192;
}
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/red-packet.conf;
}
`;
}

function waitForPort(port: number, child: ChildProcess, dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePort, reject) => {
    const fail = (why: string): void => {
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8').slice(-800);
      } catch {
        // no log yet
      }
      reject(new Error(`nginx ${why}: ${log}`));
    };
    child.once('exit', (code) => fail(`exited (${String(code)})`));
    const attempt = (): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        child.removeAllListeners('exit');
        resolvePort();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) fail(`did not listen on ${port} within ${timeoutMs} ms`);
        else setTimeout(attempt, 50); // nginx says nothing when it is ready: poll the port
      });
    };
    attempt();
  });
}

/** Starts nginx on 127.0.0.1:`port` in front of `upstreams`; resolves once it accepts. */
export async function startNginx(upstreams: string[], port: number): Promise<NginxHandle> {
  if (!NGINX) throw new Error(NGINX_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'rp-nginx-'));
  chmodSync(dir, 0o755); // as root, workers run as nobody and must reach the temp paths
  const site = renderSite(readFileSync(resolve(NGINX_CONF), 'utf8'), upstreams, `127.0.0.1:${port}`);
  writeFileSync(join(dir, 'red-packet.conf'), site);
  writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir));
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')];
  const test = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr}`);
  const child = spawn(NGINX, args, { stdio: 'ignore' });
  await waitForPort(port, child, dir);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
