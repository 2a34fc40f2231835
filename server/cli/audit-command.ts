/**
 * `npm run audit`: asks a running server for its conservation audit and prints it.
 * Exit code 0 when balanced, 1 when not, 2 when the audit could not be taken.
 *
 *   npm run audit -- [--url http://localhost:3000] [--token <admin JWT>]
 *   npm run audit -- --source postgres [--database-url postgres://…]   (or DATABASE_URL)
 *
 * `--source postgres` takes the audit on PostgreSQL alone (store/ledger auditPostgres: one
 * snapshot, exact under load), without asking any server.
 *
 * Without --token (or AUDIT_TOKEN) it signs an admin token with JWT_SECRET, or, against a
 * dev-mode server, asks POST /v1/dev/token for one.
 */
import { parseArgs } from 'node:util';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { TokenService } from '../auth/tokens.js';
import { auditPostgres, createLedgerPool } from '../store/ledger/index.js';

export interface AuditCommandResult {
  exitCode: 0 | 1 | 2;
  output: string;
}

type Env = Record<string, string | undefined>;

async function adminToken(url: string, explicit: string | undefined, env: Env): Promise<string> {
  if (explicit) return explicit;
  if (env.JWT_SECRET) {
    return new TokenService(env.JWT_SECRET, undefined, {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    }).sign({ userId: 'audit-cli', name: 'audit', role: 'admin' }, 300);
  }
  const res = await fetch(`${url}/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'audit-cli', name: 'audit', role: 'admin' }),
  });
  if (!res.ok) {
    throw new Error(`no admin token: pass --token or set JWT_SECRET (dev tokens answered ${res.status})`);
  }
  return ((await res.json()) as { token: string }).token;
}

export async function runAuditCommand(argv: string[], env: Env = process.env): Promise<AuditCommandResult> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        source: { type: 'string' },
        'database-url': { type: 'string' },
      },
      strict: true,
    });
    const source = values.source ?? 'server';
    if (source === 'postgres') return await auditOnPostgres(values['database-url'] ?? env.DATABASE_URL);
    if (source !== 'server') return { exitCode: 2, output: `audit failed: --source is server or postgres` };
    const url = (values.url ?? env.AUDIT_URL ?? 'http://localhost:3000').replace(/\/$/, '');
    const token = await adminToken(url, values.token ?? env.AUDIT_TOKEN, env);
    const res = await fetch(`${url}/v1/admin/audit`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as AuditReport | { error: { code: string; message: string } };
    if (!res.ok || 'error' in body) {
      const reason = 'error' in body ? `${body.error.code}: ${body.error.message}` : String(res.status);
      return { exitCode: 2, output: `audit failed: ${reason}` };
    }
    return verdictOf(body);
  } catch (err) {
    return { exitCode: 2, output: `audit failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function verdictOf(report: AuditReport): AuditCommandResult {
  const verdict = report.balanced ? 'BALANCED' : 'NOT BALANCED';
  return { exitCode: report.balanced ? 0 : 1, output: `${JSON.stringify(report, null, 2)}\n${verdict}` };
}

async function auditOnPostgres(url: string | undefined): Promise<AuditCommandResult> {
  if (!url)
    return { exitCode: 2, output: 'audit failed: --source postgres needs --database-url or DATABASE_URL' };
  const pool = createLedgerPool(url, { timeoutMs: 60_000, max: 1 });
  try {
    return verdictOf(await auditPostgres(pool));
  } finally {
    await pool.end();
  }
}
