/**
 * Reads the configured word-list files (SCREEN_WORDLIST_PATH) into parsed lists: at start
 * (startApp, before it opens anything, so a bad file stops the process) and on every reload.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ConfigError } from '../../config.js';
import { parseWordList, WordListError, type WordList } from '../../domain/word-lists.js';

/** A list as loaded: its terms, where it came from, and a digest of the file's bytes. */
export interface LoadedList extends WordList {
  path: string;
  /** First 16 hex digits of the file's SHA-256: equal on two nodes means the same file. */
  version: string;
}

/** A list's name is its file's base name without the extension (`gambling.txt` → gambling). */
export function listNameOf(path: string): string {
  return basename(path, extname(path));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads and parses one file. Throws WordListError (unreadable, not UTF-8, a bad line). */
export function loadWordList(path: string): LoadedList {
  const name = listNameOf(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new WordListError(
      name,
      null,
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new WordListError(name, null, `${path} is not UTF-8 text`);
  }
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return { ...parseWordList(name, text), path, version };
}

/** Reads every file; throws on the first bad one, or on two files with the same name. */
export function loadWordLists(paths: readonly string[]): LoadedList[] {
  const lists = paths.map(loadWordList);
  const names = lists.map((l) => l.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new WordListError(duplicate, null, 'two files have this base name (it names the list)');
  }
  return lists;
}

/**
 * The configured lists at start: a bad file is a ConfigError naming SCREEN_WORDLIST_PATH, which
 * main.ts prints before it exits.
 */
export function loadStartupWordLists(paths: readonly string[]): LoadedList[] {
  try {
    return loadWordLists(paths);
  } catch (err) {
    throw new ConfigError('SCREEN_WORDLIST_PATH', err instanceof Error ? err.message : String(err));
  }
}
