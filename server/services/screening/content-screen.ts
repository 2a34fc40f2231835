/**
 * Content screening (issue 18, item 3; the group article's 文本语义识别 / 涉赌关键词库): chat
 * lines and the texts a packet carries are matched against the word lists
 * (domain/word-lists.ts) before anything is stored or any money moves. A match refuses with
 * CONTENT_BLOCKED naming the list (never the term), counts a strike against the sender in the
 * risk store and raises their `content-blocked` flag in the operator view.
 *
 * Reloading (POST /v1/admin/screening/reload, or SIGHUP) re-reads the files on this node and
 * then tells every other node to re-read its own copy:
 *
 *   node A  reload → read files → swap the screen ──serverSideEmit('screen:reload')──▶ B, C
 *                                                                    B, C: read files → swap
 *
 * A file that fails to load leaves the lists in force unchanged (and is logged and counted);
 * nodes do not exchange lists, so each must see the same files (GET /v1/admin/screening shows
 * each list's version, a digest of its file).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ScreeningStatus, UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import { Screen, WordListError } from '../../domain/word-lists.js';
import type { Logger } from '../../observability/logger.js';
import type { RiskStore } from '../../store/risk/risk-store.js';
import { loadWordLists, type LoadedList } from './word-list-files.js';

/** Which text a refusal was about (metrics label, strike evidence). */
export type ScreenedText = 'chat' | 'greeting' | 'phrase' | 'song-title' | 'song-url' | 'receive-note';

/** What the screen needs from the transport: telling the other nodes to reload. */
/** Refuses a text that hits a word list (ContentScreen.check); services depend on this. */
export type TextCheck = (user: UserRef, where: ScreenedText, text: string | undefined) => Promise<void>;

export interface ScreenBus {
  publishReload(): void;
}

export type ScreenStatus = ScreeningStatus;

export interface ContentScreenDeps {
  nodeId: string;
  /** The word-list files, re-read on every reload. */
  paths: readonly string[];
  /** The lists in force at start, read from `paths` (loadStartupWordLists). */
  lists: readonly LoadedList[];
  riskStore: RiskStore;
  clock: Clock;
  registry: Registry;
  log: Logger;
  /** Counts a risk decision (RiskService.count), so the screen shows in rp_risk_decisions_total. */
  countDecision?: (outcome: 'refuse' | 'flag') => void;
}

export class ContentScreen {
  private screen: Screen;
  private lists: LoadedList[];
  private loadedAt: number;
  private bus: ScreenBus | null = null;
  private readonly blocked: Counter<'list' | 'where'>;
  private readonly reloads: Counter<'outcome'>;
  private readonly terms: Gauge<'list'>;

  constructor(private readonly deps: ContentScreenDeps) {
    this.lists = [...deps.lists];
    this.screen = new Screen(this.lists);
    this.loadedAt = deps.clock.now();
    this.blocked = new Counter({
      name: 'rp_screen_blocked_total',
      help: 'Texts refused by content screening (CONTENT_BLOCKED), by word list and kind of text',
      labelNames: ['list', 'where'] as const,
      registers: [deps.registry],
    });
    this.reloads = new Counter({
      name: 'rp_screen_reloads_total',
      help: 'Word-list reloads on this node, by outcome (ok, failed)',
      labelNames: ['outcome'] as const,
      registers: [deps.registry],
    });
    this.terms = new Gauge({
      name: 'rp_screen_terms',
      help: 'Terms in each word list in force on this node',
      labelNames: ['list'] as const,
      registers: [deps.registry],
    });
    this.setGauges();
  }

  /** Where reloads are announced (set once the socket server exists). */
  connect(bus: ScreenBus): void {
    this.bus = bus;
  }

  /**
   * Refuses `text` with CONTENT_BLOCKED if it hits a word list, after counting the strike and
   * raising the sender's flag (a store failure there is logged; the refusal stands).
   */
  async check(user: UserRef, where: ScreenedText, text: string | undefined): Promise<void> {
    if (text === undefined || text === '') return;
    const list = this.screen.check(text);
    if (list === null) return;
    this.blocked.inc({ list, where });
    this.deps.countDecision?.('refuse');
    await this.strike(user.userId, list, where).catch((err: unknown) => {
      this.deps.log.warn({ err, userId: user.userId, list }, 'could not record a content-screening strike');
    });
    throw new GameError(
      'CONTENT_BLOCKED',
      `this ${describe(where)} was refused by content screening (the ${list} word list)`,
      { list },
    );
  }

  status(): ScreenStatus {
    return {
      nodeId: this.deps.nodeId,
      enabled: this.lists.length > 0,
      loadedAt: this.loadedAt,
      lists: this.lists.map((l) => ({
        name: l.name,
        path: l.path,
        terms: l.compact.length + l.wholeWords.length,
        version: l.version,
      })),
    };
  }

  /**
   * Re-reads the files here and, if they load, tells the other nodes to do the same. A bad
   * file throws INVALID_PAYLOAD naming it (and its line) and changes nothing anywhere.
   */
  reloadEverywhere(by: string): ScreenStatus {
    const status = this.reloadHere(by);
    this.bus?.publishReload();
    return status;
  }

  /** Another node reloaded: re-read the files here (a failure is logged, never thrown). */
  onBroadcast(from: string): void {
    try {
      this.reloadHere(`node ${from}`);
    } catch {
      // reloadHere logged and counted it; the lists in force stay.
    }
  }

  private reloadHere(by: string): ScreenStatus {
    const { log, paths, clock } = this.deps;
    let lists: LoadedList[];
    let screen: Screen;
    try {
      lists = loadWordLists(paths);
      screen = new Screen(lists);
    } catch (err) {
      this.reloads.inc({ outcome: 'failed' });
      const reason = err instanceof WordListError ? err.message : String(err);
      log.error({ by, reason }, 'word-list reload failed; the lists in force are unchanged');
      throw new GameError('INVALID_PAYLOAD', `${reason}; the lists in force are unchanged`);
    }
    this.lists = lists;
    this.screen = screen;
    this.loadedAt = clock.now();
    this.reloads.inc({ outcome: 'ok' });
    this.setGauges();
    const status = this.status();
    log.info({ by, lists: status.lists }, 'word lists reloaded');
    return status;
  }

  private setGauges(): void {
    this.terms.reset();
    for (const l of this.lists) this.terms.set({ list: l.name }, l.compact.length + l.wholeWords.length);
  }

  /** Counts the strike (atomic in the store) and raises or refreshes the user's flag. */
  private async strike(userId: string, list: string, where: ScreenedText): Promise<void> {
    const { riskStore, clock } = this.deps;
    const now = clock.now();
    const strikes = await riskStore.countContentBlock(userId, list, where, now);
    this.deps.countDecision?.('flag');
    await riskStore.raiseFlag({
      id: contentFlagId(userId),
      rule: 'content-blocked',
      userIds: [userId],
      evidence: strikeEvidence(strikes),
      at: now,
    });
  }
}

/** The one flag per user that content screening raises (cleared by the operator). */
export function contentFlagId(userId: string): string {
  return `content:${userId}`;
}

/** A flag's evidence from the user's strikes (the operator view re-reads them live). */
export function strikeEvidence(s: {
  total: number;
  byList: Record<string, number>;
  lastAt: number;
  lastList: string;
  lastWhere: string;
}): Record<string, string | number | string[]> {
  return {
    blocked: s.total,
    byList: Object.entries(s.byList)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([list, n]) => `${list}: ${n}`),
    lastList: s.lastList,
    lastWhere: s.lastWhere,
    lastAt: s.lastAt,
  };
}

function describe(where: ScreenedText): string {
  switch (where) {
    case 'chat':
      return 'message';
    case 'greeting':
      return 'greeting';
    case 'phrase':
      return 'password phrase';
    case 'song-title':
      return 'song title';
    case 'song-url':
      return 'song link';
    case 'receive-note':
      return 'note';
  }
}
