import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../server/app.js';
import { ConfigError, DEFAULT_WORDLIST, loadConfig } from '../../server/config.js';
import { loadStartupWordLists } from '../../server/services/screening/word-list-files.js';

const dir = mkdtempSync(join(tmpdir(), 'rp-screen-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** What the start makes of SCREEN_WORDLIST_PATH: config parses it, the start reads the files. */
function errorOf(value: string): ConfigError {
  try {
    loadStartupWordLists(loadConfig({ SCREEN_WORDLIST_PATH: value }).screen.paths);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('SCREEN_WORDLIST_PATH', () => {
  it('defaults to the shipped gambling list; `off` turns screening off', () => {
    expect(loadConfig({}).screen).toEqual({ paths: [DEFAULT_WORDLIST] });
    expect(DEFAULT_WORDLIST).toMatch(/server[/\\]wordlists[/\\]gambling\.txt$/);
    expect(loadConfig({ SCREEN_WORDLIST_PATH: 'off' }).screen).toEqual({ paths: [] });
  });

  it('is only parsed by the configuration: a missing file is found at start', () => {
    const missing = join(dir, 'absent.txt');
    expect(loadConfig({ SCREEN_WORDLIST_PATH: missing }).screen.paths).toEqual([missing]);
  });

  it('takes several comma-separated files, in order', () => {
    const spam = file('spam.txt', '加微信\n');
    expect(loadConfig({ SCREEN_WORDLIST_PATH: ` ${spam} , ${DEFAULT_WORDLIST}` }).screen.paths).toEqual([
      spam,
      DEFAULT_WORDLIST,
    ]);
  });

  it('stops the start naming the variable: a missing file, a bad line, not UTF-8, a bad or repeated name', () => {
    const missing = errorOf(join(dir, 'nope.txt'));
    expect(missing.variable).toBe('SCREEN_WORDLIST_PATH');
    expect(missing.message).toMatch(
      /^SCREEN_WORDLIST_PATH: word list nope: cannot read .*nope\.txt \(ENOENT\)/,
    );
    expect(errorOf(file('short.txt', 'ok words\n\n赌\n')).message).toMatch(
      /word list short, line 3: a term needs at least 2 letters or digits/,
    );
    expect(errorOf(file('latin1.txt', Buffer.from([0x63, 0x61, 0x73, 0xe9, 0x0a]))).message).toMatch(
      /is not UTF-8 text/,
    );
    expect(errorOf(file('Bad Name.txt', 'xx\n')).message).toMatch(/word list Bad Name: the name/);
    const twin = file('gambling.txt', 'xx\n');
    expect(errorOf(`${twin},${DEFAULT_WORDLIST}`).message).toMatch(
      /word list gambling: two files have this base name/,
    );
  });

  it('a bad list stops startApp before it opens anything, naming the variable', async () => {
    const config = loadConfig({
      SCREEN_WORDLIST_PATH: join(dir, 'nope.txt'),
      LOG_LEVEL: 'silent',
      PORT: '0',
    });
    await expect(startApp(config)).rejects.toMatchObject({
      name: 'ConfigError',
      variable: 'SCREEN_WORDLIST_PATH',
    });
  });
});
