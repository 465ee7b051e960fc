/**
 * When a message may go out: SMS quiet hours in the
 * cooperative's time zone, and a sliding-window rate limit per channel. Pure; time is passed in.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight of `at` in `timeZone` (DST handled by Intl). */
export function localMinutes(at: Date, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    // building a DateTimeFormat is costly; the workers ask on every pass
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit" });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(at).reduce<Record<string, string>>((acc, p) => {
    acc[p.type] = p.value;
    return acc;
  }, {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface SendingWindow {
  /** Start of the daytime window in which ordinary SMS may go out (HH:MM local). */
  start: string;
  /** End of that window (exclusive). A window may wrap midnight. */
  end: string;
}

/** True inside the daytime sending window; outside it is quiet. */
export function inSendingWindow(at: Date, window: SendingWindow, timeZone: string): boolean {
  const now = localMinutes(at, timeZone);
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** Outage-type notices that may break quiet hours when the configuration says so. */
export const URGENT_CATEGORIES = ["outage", "utility_interruption"] as const;

/** Codes are always exempt (the resident is waiting at the kiosk); outage alerts when configured. */
export function quietHoursExempt(kind: string, category: string | null, outageExempt: boolean): boolean {
  if (kind === "otp") return true;
  return outageExempt && category !== null && (URGENT_CATEGORIES as readonly string[]).includes(category);
}

/** At most `limit` sends in any `windowMs`; the modem must be kept busy, never flooded. */
export class RateWindow {
  private readonly sentAt: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number = 60_000,
  ) {}

  private prune(nowMs: number): void {
    while (this.sentAt.length > 0 && this.sentAt[0] <= nowMs - this.windowMs) this.sentAt.shift();
  }

  available(nowMs: number): number {
    this.prune(nowMs);
    return Math.max(0, this.limit - this.sentAt.length);
  }

  take(nowMs: number): void {
    this.sentAt.push(nowMs);
  }

  /** Milliseconds until one more send is allowed (0 when one is allowed now). */
  waitMs(nowMs: number): number {
    if (this.available(nowMs) > 0) return 0;
    return this.sentAt[0] + this.windowMs - nowMs;
  }
}
