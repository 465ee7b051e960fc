/** Dates and values as office staff read them: Polish, in the cooperative's zone. */
const ZONE = "Europe/Warsaw";

const dateTime = new Intl.DateTimeFormat("pl-PL", {
  timeZone: ZONE,
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const dayMonth = new Intl.DateTimeFormat("pl-PL", { timeZone: "UTC", day: "2-digit", month: "2-digit" });

/** `02.03.2026, 11:00` for an ISO instant. */
export function localDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** `02.03` for a calendar day `2026-03-02`. */
export function shortDay(ymd: string): string {
  return dayMonth.format(new Date(`${ymd}T00:00:00Z`));
}

export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
