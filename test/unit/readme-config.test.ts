/**
 * The README's configuration table is ENV_VARS (server/config/env-vars.ts): the same variables, in the
 * same order, with the same defaults and meanings; and ENV_VARS names exactly the variables
 * loadConfig reads, each default being what an unset variable gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configRows, README_PATH, readmeRows } from '../../scripts/config-docs/readme-table.js';
import { ENV_VARS, loadConfig } from '../../server/config.js';

describe('configuration variables', () => {
  it('the README table is the one made from ENV_VARS (`npm run docs:config` rewrites it)', () => {
    const rows = readmeRows(readFileSync(README_PATH, 'utf8'));
    expect(rows, `${README_PATH} is out of date: run \`npm run docs:config\``).toEqual(configRows());
  });

  it('ENV_VARS names exactly the variables loadConfig reads', () => {
    const read = new Set<string>();
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, name) {
          if (typeof name === 'string') read.add(name);
          return undefined;
        },
      },
    );
    loadConfig(env);
    expect([...read].sort()).toEqual(Object.keys(ENV_VARS).sort());
  });

  it('setting a variable to its written default changes nothing', () => {
    const fixed = { JWT_SECRET: 'a-long-enough-secret', NODE_ID: 'n1' };
    const unset = loadConfig(fixed);
    for (const [name, v] of Object.entries(ENV_VARS)) {
      if (!('default' in v) || name in fixed) continue;
      expect(loadConfig({ ...fixed, [name]: v.default }), name).toEqual(unset);
    }
  });
});
