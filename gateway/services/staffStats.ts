/**
 * Numbers for the console's chart: per day, enrolments, flats with electronic delivery and
 * their share of all flats, and SMS sent.
 */
import { asc, count, eq, sql } from "drizzle-orm";
import { flats, outbox, registerEvents } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { applyEvent, emptyConsent, type FlatConsent } from "../domain/consentState.ts";
import { rowToEvent } from "./register.ts";

export interface DayStats {
  date: string;
  enrolments: number;
  electronicFlats: number;
  electronicShare: number;
  smsSent: number;
}

function localDay(iso: string, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(iso));
}

export function staffStats(deps: Pick<CoreDeps, "db" | "clock" | "config">, input: { days?: number } = {}): DayStats[] {
  const days = input.days ?? 60;
  const tz = deps.config.timezone;
  const fmt = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
  const today = fmt.format(deps.clock.now());
  const dates: string[] = [];
  for (let i = days - 1; i >= 0; i--)
    dates.push(new Date(Date.parse(`${today}T12:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10));
  const totalFlats = deps.db.select({ n: count() }).from(flats).where(eq(flats.active, true)).get()?.n ?? 0;

  const states = new Map<string, FlatConsent>();
  const enrolments = new Map<string, number>();
  const activeAtEnd = new Map<string, number>();
  let active = 0;
  let day = "";
  const close = (d: string) => activeAtEnd.set(d, active);
  for (const row of deps.db.select().from(registerEvents).orderBy(asc(registerEvents.seq)).all()) {
    const event = rowToEvent(row);
    const d = localDay(event.occurredAt, tz);
    if (day && d !== day) close(day);
    day = d;
    const before = states.get(event.flatCode) ?? emptyConsent(event.flatCode);
    const after = applyEvent(before, event, deps.config.rules.graceDays);
    states.set(event.flatCode, after);
    active += (after.status === "active" ? 1 : 0) - (before.status === "active" ? 1 : 0);
    if (event.type === "enrolled" || event.type === "recipient_replaced")
      enrolments.set(d, (enrolments.get(d) ?? 0) + 1);
  }
  if (day) close(day);

  const sms = new Map<string, number>();
  for (const r of deps.db
    .select({ day: sql<string>`substr(${outbox.updatedAt}, 1, 10)`, n: count() })
    .from(outbox)
    .where(sql`${outbox.channel} = 'sms' AND ${outbox.status} IN ('sent', 'delivered')`)
    .groupBy(sql`substr(${outbox.updatedAt}, 1, 10)`)
    .all())
    sms.set(r.day, r.n);

  const known = [...activeAtEnd.keys()].sort();
  let carried = 0;
  for (const k of known) if (k < dates[0]) carried = activeAtEnd.get(k) ?? carried;
  return dates.map((date) => {
    if (activeAtEnd.has(date)) carried = activeAtEnd.get(date) ?? carried;
    return {
      date,
      enrolments: enrolments.get(date) ?? 0,
      electronicFlats: carried,
      electronicShare: totalFlats > 0 ? carried / totalFlats : 0,
      smsSent: sms.get(date) ?? 0,
    };
  });
}
