/**
 * The Lua scripts, one file per atomic operation in ../lua (copied next to the compiled code
 * by the build), run with `runScript`, which decodes each reply (replies.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import { decodeReply, type ScriptReply } from './replies.js';
import { SCRIPTS, SCRIPT_NAMES, type ScriptName } from './script-names.js';

export { SCRIPTS, SCRIPT_NAMES, type ScriptName } from './script-names.js';

const LUA_DIR = new URL('../lua/', import.meta.url);

/**
 * A script's source as Redis runs it: a line `-- @include <file>` is replaced by that file
 * of ../lua (a fragment two scripts share, named with a leading `_`, never run on its own).
 */
export function scriptSource(name: ScriptName): string {
  return expandIncludes(readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8'));
}

const expandIncludes = (source: string): string =>
  source.replace(/^-- @include (_[\w-]+\.lua)$/gm, (_line, file: string) =>
    readFileSync(new URL(file, LUA_DIR), 'utf8').trimEnd(),
  );

interface LoadedScript {
  source: string;
  sha: string;
  numberOfKeys: number;
}

/** Every script's source and SHA1, read once when the module loads. */
const LOADED = new Map<ScriptName, LoadedScript>(
  SCRIPT_NAMES.map((name) => {
    const source = scriptSource(name);
    const sha = createHash('sha1').update(source).digest('hex');
    return [name, { source, sha, numberOfKeys: SCRIPTS[name] }];
  }),
);

/**
 * Runs a script by EVALSHA, and by EVAL when Redis answers NOSCRIPT (its script cache is empty
 * after a restart; EVAL caches the script again). `keys.length` must equal its KEYS count.
 * Resolves to the reply decoded by the script's decoder (replies.ts).
 *
 * Why not ioredis `defineCommand`: every defined command is copied onto each Pipeline ioredis
 * creates, and with auto-pipelining it creates one per event-loop turn that sends a command —
 * 30 scripts made that ~25 µs per turn, about a tenth of a grab's CPU. Plain EVALSHA through
 * the same auto-pipeline costs nothing extra.
 */
export async function runScript<N extends ScriptName>(
  client: Redis | Cluster,
  name: N,
  keys: string[],
  args: (string | number)[],
): Promise<ScriptReply<N>> {
  const script = LOADED.get(name);
  if (!script || keys.length !== script.numberOfKeys)
    throw new Error(`script ${name} takes ${script?.numberOfKeys} keys, not ${keys.length}`);
  const raw: unknown = await client
    .evalsha(script.sha, keys.length, ...keys, ...args)
    .catch((err: unknown) => {
      if (!isNoScript(err)) throw err;
      return client.eval(script.source, keys.length, ...keys, ...args);
    });
  return decodeReply(name, raw);
}

const isNoScript = (err: unknown): boolean => err instanceof Error && err.message.startsWith('NOSCRIPT');
