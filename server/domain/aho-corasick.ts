/**
 * An Aho–Corasick automaton over Unicode code points: finds which of many patterns occur in a
 * text in one pass, O(text length + matches), however many patterns there are. Pure.
 *
 * Each pattern carries a tag (a small non-negative integer, e.g. the index of its word list).
 * `lowestTag` answers the lowest tag among all patterns occurring anywhere in the text (or
 * null), which is what screening needs: whether anything matched, and the most important list
 * that did — never which pattern, so nothing here can leak a term.
 *
 * Build cost is O(total pattern length); memory is one Map of transitions per trie node.
 */

const NONE = Number.POSITIVE_INFINITY;

export class AhoCorasick {
  /** Trie transitions per node (code point → node). Node 0 is the root. */
  private readonly next: Map<number, number>[] = [new Map<number, number>()];
  /** Failure link per node: the longest proper suffix that is also a trie path. */
  private readonly fail: number[] = [0];
  /** Lowest tag of any pattern that ends at this node or at a node on its failure chain. */
  private readonly out: number[] = [NONE];
  private built = false;

  /** @param patterns [pattern, tag] pairs; empty patterns are ignored. */
  constructor(patterns: Iterable<readonly [string, number]>) {
    for (const [pattern, tag] of patterns) this.add(pattern, tag);
    this.build();
  }

  /** Number of trie nodes (a size measure for logs and tests). */
  get size(): number {
    return this.next.length;
  }

  private add(pattern: string, tag: number): void {
    if (this.built) throw new Error('the automaton is already built');
    if (!Number.isInteger(tag) || tag < 0) throw new Error(`bad tag ${tag}`);
    if (pattern.length === 0) return;
    let node = 0;
    for (const ch of pattern) {
      const cp = ch.codePointAt(0) ?? 0;
      const edges = this.next[node] ?? new Map<number, number>();
      let child = edges.get(cp);
      if (child === undefined) {
        child = this.next.length;
        edges.set(cp, child);
        this.next.push(new Map<number, number>());
        this.fail.push(0);
        this.out.push(NONE);
      }
      node = child;
    }
    this.out[node] = Math.min(this.out[node] ?? NONE, tag);
  }

  /** Failure links breadth first; each node's output takes in its failure target's. */
  private build(): void {
    const queue: number[] = [];
    for (const child of this.next[0]?.values() ?? []) {
      this.fail[child] = 0;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] ?? 0;
      for (const [cp, child] of this.next[node] ?? []) {
        let f = this.fail[node] ?? 0;
        while (f !== 0 && !(this.next[f]?.has(cp) ?? false)) f = this.fail[f] ?? 0;
        const target = this.next[f]?.get(cp);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        this.out[child] = Math.min(this.out[child] ?? NONE, this.out[this.fail[child] ?? 0] ?? NONE);
        queue.push(child);
      }
    }
    this.built = true;
  }

  /** The lowest tag of any pattern occurring in `text`, or null. Stops early at tag 0. */
  lowestTag(text: string): number | null {
    let node = 0;
    let best = NONE;
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      let target = this.next[node]?.get(cp);
      while (target === undefined && node !== 0) {
        node = this.fail[node] ?? 0;
        target = this.next[node]?.get(cp);
      }
      node = target ?? 0;
      const tag = this.out[node] ?? NONE;
      if (tag < best) {
        best = tag;
        if (best === 0) break;
      }
    }
    return best === NONE ? null : best;
  }
}
