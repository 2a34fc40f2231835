/**
 * The risk day: daily totals count from local midnight to local midnight in a configured IANA
 * time zone (RISK_TIME_ZONE, default Asia/Shanghai — the published limits are China's). Pure:
 * the caller passes the time.
 */

export interface RiskDay {
  /** The local date, `YYYY-MM-DD`; part of every daily counter's key. */
  day: string;
  /** The next local midnight, ms epoch: when the day's totals reset (and their keys expire). */
  resetAt: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows (config validation). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  y: number;
  m: number;
  d: number;
  /** The local wall-clock time read as if it were UTC, ms (whole seconds). */
  asUtc: number;
}

function wall(t: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(t)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const y = parts.year ?? 1970;
  const m = parts.month ?? 1;
  const d = parts.day ?? 1;
  return { y, m, d, asUtc: Date.UTC(y, m - 1, d, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) };
}

/** The zone's offset from UTC at instant `t`, ms (local = utc + offset). */
function offsetAt(t: number, timeZone: string): number {
  return wall(t, timeZone).asUtc - Math.floor(t / 1000) * 1000;
}

/** The risk day containing instant `now` in `timeZone`. */
export function riskDay(now: number, timeZone: string): RiskDay {
  const w = wall(now, timeZone);
  const day = `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
  const nextMidnightWall = Date.UTC(w.y, w.m - 1, w.d + 1);
  // Two passes settle the offset across a DST change between now and midnight.
  let resetAt = nextMidnightWall - offsetAt(now, timeZone);
  resetAt = nextMidnightWall - offsetAt(resetAt, timeZone);
  if (resetAt <= now) resetAt = now + 1; // a zone whose midnight is skipped: never reset in the past
  return { day, resetAt };
}
