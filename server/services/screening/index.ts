/**
 * Content screening of chat lines and the texts packets carry. A block counts as a risk
 * decision; a reload on one node reaches the others through `bus` (content-screen.ts).
 */
import type { RiskService } from '../risk/risk-service.js';
import type { NodeBasics } from '../runtime/node-basics.js';
import { ContentScreen, type ScreenBus, type TextCheck } from './content-screen.js';
import type { LoadedList } from './word-list-files.js';

export interface ScreeningConcept {
  screen: ContentScreen;
  /** The check rooms, packets and receive codes run on a text before storing it. */
  screenText: TextCheck;
}

/** @param lists the word lists read at start (word-list-files.ts loadStartupWordLists) */
export function createScreeningConcept(
  node: NodeBasics,
  risk: RiskService,
  bus: ScreenBus,
  lists: readonly LoadedList[],
): ScreeningConcept {
  const { config, store, clock, metrics, log } = node;
  const screen = new ContentScreen({
    nodeId: config.nodeId,
    paths: config.screen.paths,
    lists,
    riskStore: store.risk,
    clock,
    registry: metrics.registry,
    log,
    countDecision: (outcome) => risk.count('content-blocked', outcome),
  });
  screen.connect(bus);
  return { screen, screenText: (user, where, text) => screen.check(user, where, text) };
}
