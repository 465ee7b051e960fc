/**
 * The dates the office sends (`generated_at`, `as_of`): ISO 8601 calendar dates and date-times,
 * checked against the calendar, and the rule for those without an offset.
 *
 * Accepted: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM`, `…:SS` or `…:SS.fff` (1-9 fraction digits),
 * optionally followed by `Z` or `±HH:MM`. Nothing else: no week or ordinal dates, no `24:00`,
 * no leap second, no year alone ("2021") and no number ("12").
 *
 * Without an offset the wall clock is the cooperative's (config `timezone`, Europe/Warsaw): a
 * local time that happens twice (the autumn change) is the first of the two, one that does not
 * exist (the spring change) is moved forward by the gap (02:30 → 03:30 CEST), as Temporal's and
 * RFC 5545's "compatible" rule does. A date alone is that whole local day: it starts at local
 * midnight and ends the millisecond before the next one.
 */

export interface OfficeDateParts {
  year: number;
  month: number;
  day: number;
  /** Absent for a date alone. */
  time?: { hour: number; minute: number; second: number; millisecond: number };
  /** Minutes east of UTC; absent when the text carries no offset (local time). */
  offsetMinutes?: number;
}

export const OFFICE_DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Date.UTC without its 1900 offset for years 0-99 (400 Gregorian years are exactly 146097 days). */
function utc(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return Date.UTC(year + 400, month - 1, day, h, mi, s, ms) - 146_097 * 86_400_000;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS[month - 1];
}

/** The parts of an office date, or null when it is not one (wrong shape or not on the calendar). */
export function parseOfficeDate(text: string): OfficeDateParts | null {
  const m = OFFICE_DATE_PATTERN.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (m[4] === undefined) return { year, month, day };
  const time = {
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    millisecond: m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000),
  };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return null;
  const zone = m[8];
  if (zone === undefined) return { year, month, day, time };
  if (zone === "Z") return { year, month, day, time, offsetMinutes: 0 };
  const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
  if (oh > 23 || om > 59) return null;
  return { year, month, day, time, offsetMinutes: (zone[0] === "-" ? -1 : 1) * (oh * 60 + om) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock a zone shows at an instant (month 1-12, hour 0-23). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** What the zone's clocks show at an instant; one cached formatter per zone. */
export function wallClockAt(instant: number, timezone: string): WallClock {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timezone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (local = UTC + offset). */
export function zoneOffsetAt(instant: number, timezone: string): number {
  const w = wallClockAt(instant, timezone);
  const asUtc = utc(w.year, w.month, w.day, w.hour, w.minute, w.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The instant of a local wall-clock time (as milliseconds of a UTC clock showing it) in a zone. */
export function localToInstant(wall: number, timezone: string): number {
  const before = wall - zoneOffsetAt(wall - 86_400_000, timezone);
  const after = wall - zoneOffsetAt(wall + 86_400_000, timezone);
  const fits = (instant: number) => instant + zoneOffsetAt(instant, timezone) === wall;
  if (fits(before)) return before; // also the earlier of two in an overlap
  if (fits(after)) return after;
  return before; // in a gap: the offset before the change moves the time forward by the gap
}

/**
 * The instant an office date stands for. A date alone is a whole local day: `edge` picks its
 * first millisecond (`start`) or its last (`end`).
 */
export function officeDateInstant(parts: OfficeDateParts, timezone: string, edge: "start" | "end"): number {
  const t = parts.time;
  if (!t) {
    const midnight = (y: number, mo: number, d: number) => localToInstant(utc(y, mo, d), timezone);
    if (edge === "start") return midnight(parts.year, parts.month, parts.day);
    return midnight(parts.year, parts.month, parts.day + 1) - 1;
  }
  const wall = utc(parts.year, parts.month, parts.day, t.hour, t.minute, t.second, t.millisecond);
  if (parts.offsetMinutes === undefined) return localToInstant(wall, timezone);
  return wall - parts.offsetMinutes * 60_000;
}

/** `officeDateInstant` of a text already checked by `parseOfficeDate`, as an ISO instant. */
export function resolveOfficeDate(text: string, timezone: string, edge: "start" | "end"): string | null {
  const parts = parseOfficeDate(text);
  return parts ? new Date(officeDateInstant(parts, timezone, edge)).toISOString() : null;
}
