/**
 * The minors' curfew (karaoke article, compliance: no red packets for minors after 22:00).
 * Pure: the wall clock of a configured IANA time zone decides, from an injected `now`.
 *
 * A token marks a minor with the claim `minor: true` (auth/tokens.ts). Between `startMinute`
 * and `endMinute` local time (a window may cross midnight; 22:00–06:00 by default) a minor's
 * sends, grabs, code claims, opens and drop grabs answer CURFEW with when it lifts.
 */
import { GameError } from './errors.js';

export interface CurfewRule {
  /** Minutes after local midnight the curfew starts (inclusive). 22:00 → 1320. */
  startMinute: number;
  /** Minutes after local midnight it ends (exclusive). 06:00 → 360. Equal to start: no curfew. */
  endMinute: number;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
}

const MINUTE = 60_000;
const DAY_MINUTES = 1_440;

/** Local time of day in `timeZone` at `now`, in (fractional) minutes after midnight. */
function localMinutes(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(now));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute') + get('second') / 60 + (now % 1000) / MINUTE;
}

function inWindow(minutes: number, rule: CurfewRule): boolean {
  const { startMinute: s, endMinute: e } = rule;
  if (s === e) return false;
  return s < e ? minutes >= s && minutes < e : minutes >= s || minutes < e;
}

/** When the curfew in force at `now` lifts (ms epoch), or null if there is none at `now`. */
export function curfewLiftsAt(now: number, rule: CurfewRule): number | null {
  const minutes = localMinutes(now, rule.timeZone);
  if (!inWindow(minutes, rule)) return null;
  const ahead = (rule.endMinute - minutes + DAY_MINUTES) % DAY_MINUTES;
  let lift = now + Math.round(ahead * MINUTE);
  // A clock change (DST) inside the window shifts the wall clock: land on the local end time.
  for (let i = 0; i < 2; i++) {
    const drift = (localMinutes(lift, rule.timeZone) - rule.endMinute + DAY_MINUTES * 1.5) % DAY_MINUTES;
    const offBy = drift - DAY_MINUTES / 2;
    if (Math.abs(offBy) < 1 / 60) break;
    lift -= Math.round(offBy * MINUTE);
  }
  return lift;
}

/** Throws CURFEW (with `liftsAt`, `retryAfterMs`) if `minor` and the curfew is in force. */
export function checkCurfew(minor: boolean | undefined, now: number, rule: CurfewRule): void {
  if (!minor) return;
  const liftsAt = curfewLiftsAt(now, rule);
  if (liftsAt === null) return;
  throw new GameError('CURFEW', 'red packets are closed to minors at this hour', {
    liftsAt,
    retryAfterMs: liftsAt - now,
  });
}
