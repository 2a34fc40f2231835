/**
 * The Lua scripts, one file per atomic operation in ./lua (copied next to the compiled code
 * by the build). Each is registered once per client with ioredis `defineCommand`, which runs
 * EVALSHA and falls back to EVAL when Redis has forgotten the script (after a restart).
 */
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

/** Script name → number of KEYS it takes (its file is `lua/<name>.lua`). */
export const SCRIPTS = {
  mint: 3,
  hold: 3,
  'settle-hold': 1,
  'release-hold': 3,
  'apply-credit': 3,
  'create-packet': 3,
  'abort-funded': 2,
  grab: 5,
  'grab-credit': 8,
  'save-listen': 2,
  'expire-packet': 3,
  'cancel-packet': 3,
  'create-rain': 4,
  'rain-lease': 1,
  'rain-lease-release': 1,
  'rain-release': 3,
  'rain-grab': 6,
  'rain-end': 4,
  'rain-enter': 7,
  'rain-draw': 9,
  'member-add': 2,
  'member-remove': 2,
  'node-heartbeat': 1,
  'node-forget': 1,
  'receive-code': 1,
  'risk-send': 3,
  'risk-send-undo': 2,
  'risk-received': 1,
  'risk-grab-fail': 1,
  'risk-cluster': 1,
  'fence-index': 4,
  'fence-unindex': 4,
  'fence-search': 4,
  'fence-attempt': 2,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const LUA_DIR = new URL('./lua/', import.meta.url);

export function scriptSource(name: ScriptName): string {
  return readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8');
}

/** Registers every script on `client`; afterwards `runScript` can call them. */
export function defineScripts(client: Redis | Cluster): void {
  for (const [name, numberOfKeys] of Object.entries(SCRIPTS)) {
    client.defineCommand(commandName(name as ScriptName), {
      numberOfKeys,
      lua: scriptSource(name as ScriptName),
    });
  }
}

/** Runs a defined script: `keys.length` must equal its KEYS count. */
export function runScript(
  client: Redis | Cluster,
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const command = (client as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[
    commandName(name)
  ];
  if (!command || keys.length !== SCRIPTS[name])
    throw new Error(`script ${name} is not defined for these keys`);
  return command.call(client, ...keys, ...args);
}

const commandName = (name: ScriptName): string => `rp_${name.replace(/-/g, '_')}`;
