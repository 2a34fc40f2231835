/**
 * The text forms content screening matches against (issue 18, item 3). Pure.
 *
 * Both forms start from `fold`: Unicode NFKC (full-width ＢＯ → BO, ① → 1, compatibility
 * ideographs → their unified form), full case folding (upper then lower, so ß and ẞ meet as ss),
 * and Latin lookalikes in mixed-script words read as Latin (`bаccarat` with a Cyrillic а).
 *
 *  - compact: letters and digits only. Spaces, punctuation, symbols (emoji included),
 *    zero-width and other format characters, and combining marks are all dropped, so
 *    "博 彩", "博.彩", "博\u200B彩", "b-a-c-c-a-r-a-t" and "b̶a̶c̶c̶a̶r̶a̶t̶" all become one
 *    run. Matching here defeats separator tricks, at the price of matching across word
 *    boundaries ("to bet" hides in "alphabet tobet…"): see docs/operations.md, "Content
 *    screening", for why short Latin terms belong in whole-word mode.
 *  - words: every run of letters and digits becomes one word; words are separated by single
 *    spaces, with a space at each end (" to bet on it "). Invisible characters (format,
 *    combining marks) are dropped first so they cannot split a word. A whole-word term
 *    " bet " matches here and only here.
 *
 * Not folded: leetspeak (b3t, 6ambling — digits stay digits, since Chinese lottery terms such
 * as 11选5 need them), traditional ↔ simplified Chinese (list both spellings), pinyin.
 */

/**
 * Format characters (zero-width space/joiners, BOM, bidi marks) and combining marks. Controls
 * (newline, tab) are not invisible: they separate words like spaces do.
 */
const INVISIBLE = /[\p{Cf}\p{M}]/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;
const NON_WORD_RUN = /[^\p{L}\p{N}]+/gu;
/** A run of letters from the scripts whose lookalikes are folded. */
const LATIN_LIKE_RUN = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]+/gu;
const HAS_LATIN = /\p{Script=Latin}/u;
const HAS_NON_LATIN = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * Cyrillic and Greek lowercase letters that pass for Latin ones (after case folding).
 * A small, deliberate subset of Unicode's confusables: the letters seen in spam.
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  ё: 'e',
  һ: 'h',
  н: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  у: 'y',
  х: 'x',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};

/**
 * A run that mixes Latin with Cyrillic or Greek letters reads as Latin; a run in one script
 * is left alone (ответ stays Russian — it must not turn into "otbet").
 */
function foldLookalikes(text: string): string {
  if (!HAS_NON_LATIN.test(text)) return text;
  return text.replace(LATIN_LIKE_RUN, (run) =>
    HAS_LATIN.test(run) && HAS_NON_LATIN.test(run)
      ? Array.from(run, (ch) => LOOKALIKES[ch] ?? ch).join('')
      : run,
  );
}

/** NFKC, case folding, invisible characters dropped: the common first step of both forms. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(INVISIBLE, '');
}

/** Letters and digits only: what separator-proof ("compact") terms match against. */
export function compactForm(text: string, folded = foldText(text)): string {
  return foldLookalikes(folded.replace(NOT_LETTER_OR_DIGIT, ''));
}

/**
 * Words of letters and digits, single-spaced, with a space at each end: what whole-word terms
 * match against. Empty text gives " ".
 */
export function wordsForm(text: string, folded = foldText(text)): string {
  const words = foldLookalikes(folded.replace(NON_WORD_RUN, ' ').trim());
  return words.length === 0 ? ' ' : ` ${words} `;
}
