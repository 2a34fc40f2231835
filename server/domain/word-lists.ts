/**
 * Word lists for content screening and the screen built from them. Pure: the caller reads the
 * files (services/screening/content-screen.ts); docs/operations.md, "Content screening", is the
 * operator's description of the format.
 *
 * Format: UTF-8 text, one term per line. Blank lines and lines starting with `#` are skipped.
 *   博彩            matched in the compact form: separators, case, width and invisible
 *                   characters between its letters do not hide it ("博 彩", "ＢＯ彩")
 *   =bet            `=`: a whole word (or words) in the words form: "bet" and "BET!" match,
 *                   "alphabet" and "b e t" do not — for short Latin terms that would
 *                   otherwise match inside innocent words
 * A term must keep at least MIN_TERM_CHARS letters or digits once normalised: a one-character
 * term would refuse every line that contains that character.
 */
import { AhoCorasick } from './aho-corasick.js';
import { compactForm, foldText, wordsForm } from './screen-normalize.js';

/** A list's name: what CONTENT_BLOCKED reports (the file's base name). */
export const LIST_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const MIN_TERM_CHARS = 2;
export const MAX_TERM_CHARS = 200;
export const MAX_TERMS = 100_000;

export interface WordList {
  name: string;
  /** Normalised compact-form terms. */
  compact: string[];
  /** Normalised words-form terms (" bet ", " online casino "). */
  wholeWords: string[];
}

/** A list that cannot be used; `line` is 1-based when one line is at fault. */
export class WordListError extends Error {
  constructor(
    readonly list: string,
    readonly line: number | null,
    reason: string,
  ) {
    super(line === null ? `word list ${list}: ${reason}` : `word list ${list}, line ${line}: ${reason}`);
    this.name = 'WordListError';
  }
}

const letterCount = (s: string): number => Array.from(s.replace(/ /g, '')).length;

/** Parses one list's text (the file's content, already decoded). Throws WordListError. */
export function parseWordList(name: string, source: string): WordList {
  if (!LIST_NAME.test(name)) {
    throw new WordListError(
      name,
      null,
      'the name (the file name without extension) must match [a-z0-9][a-z0-9_-]{0,31}',
    );
  }
  const compact = new Set<string>();
  const wholeWords = new Set<string>();
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (Array.from(line).length > MAX_TERM_CHARS) {
      throw new WordListError(name, i + 1, `a term may have at most ${MAX_TERM_CHARS} characters`);
    }
    const whole = line.startsWith('=');
    const term = whole ? wordsForm(line.slice(1)) : compactForm(line);
    if (letterCount(term) < MIN_TERM_CHARS) {
      throw new WordListError(
        name,
        i + 1,
        `a term needs at least ${MIN_TERM_CHARS} letters or digits after normalisation (got ${JSON.stringify(line)})`,
      );
    }
    (whole ? wholeWords : compact).add(term);
  });
  if (compact.size + wholeWords.size > MAX_TERMS) {
    throw new WordListError(name, null, `at most ${MAX_TERMS} terms`);
  }
  return { name, compact: [...compact], wholeWords: [...wholeWords] };
}

/**
 * The lists compiled into two automata (compact and words form), tagged by list order: when a
 * text hits several lists, the first one (configuration order) is the one reported.
 */
export class Screen {
  readonly names: readonly string[];
  private readonly compact: AhoCorasick;
  private readonly words: AhoCorasick;

  constructor(lists: readonly WordList[]) {
    const names = lists.map((l) => l.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate !== undefined) throw new WordListError(duplicate, null, 'two lists have this name');
    this.names = names;
    this.compact = new AhoCorasick(lists.flatMap((l, tag) => l.compact.map((t) => [t, tag] as const)));
    this.words = new AhoCorasick(lists.flatMap((l, tag) => l.wholeWords.map((t) => [t, tag] as const)));
  }

  /** The name of the first list with a term in `text`, or null when the text is clean. */
  check(text: string): string | null {
    const folded = foldText(text);
    const loose = this.compact.lowestTag(compactForm(text, folded));
    if (loose === 0) return this.names[0] ?? null;
    const whole = this.words.size > 1 ? this.words.lowestTag(wordsForm(text, folded)) : null;
    const tag = loose === null ? whole : whole === null ? loose : Math.min(loose, whole);
    return tag === null ? null : (this.names[tag] ?? null);
  }
}
