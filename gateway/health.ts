/** `/healthz` parts: each subsystem registers a probe; missing parts say `not_configured`. */
import { maskPersonalData } from "./logger.ts";

export type PartStatus = "ok" | "degraded" | "down" | "not_configured";

export interface PartHealth {
  status: PartStatus;
  [detail: string]: unknown;
}

export const HEALTH_PARTS = ["db", "register", "printer", "modem", "smtp", "office_sync"] as const;
/** Parts without which nothing can be acknowledged to a resident: down here is down overall. */
const CRITICAL_PARTS = ["db", "register", "disk"] as const;
export type HealthPartName = (typeof HEALTH_PARTS)[number] | (string & {});

export class HealthRegistry {
  private readonly probes = new Map<string, () => PartHealth | Promise<PartHealth>>();

  register(name: HealthPartName, probe: () => PartHealth | Promise<PartHealth>): void {
    this.probes.set(name, probe);
  }

  async report(): Promise<{ status: "ok" | "degraded" | "down"; parts: Record<string, PartHealth> }> {
    const parts: Record<string, PartHealth> = {};
    const names = new Set<string>([...HEALTH_PARTS, ...this.probes.keys()]);
    for (const name of names) {
      const probe = this.probes.get(name);
      if (!probe) {
        parts[name] = { status: "not_configured" };
        continue;
      }
      try {
        parts[name] = await probe();
      } catch (err) {
        parts[name] = { status: "down", error: (err as Error).message };
      }
    }
    const statuses = Object.values(parts).map((p) => p.status);
    // The db, the register and a disk that takes writes are what a resident's enrolment needs
    // (`disk` is down only once a write has failed for lack of space); the rest degrade service.
    const critical = CRITICAL_PARTS.some((n) => parts[n]?.status === "down");
    const status = critical ? "down" : statuses.some((s) => s === "down" || s === "degraded") ? "degraded" : "ok";
    return { status, parts };
  }
}

/**
 * Keys whose values are free text from outside (an SMTP server's reply, an exception message):
 * they may quote a resident's address or name, so they stay out of unauthenticated answers.
 */
const FREE_TEXT = new Set(["lastError", "error", "reason", "message", "detail", "details", "response"]);

/**
 * The report as `/healthz` shows it to anyone: statuses, counters, times and the technician's
 * hints, without free-text errors (the staff console's Devices page and the log have them).
 */
const HIDDEN = "hidden: see Devices in the staff console, or the journal";

export function publicHealth<T>(report: T): T {
  return strip(report, 0) as T;
}

function strip(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => strip(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) =>
      FREE_TEXT.has(key) && typeof v === "string" ? [key, HIDDEN] : [key, strip(v, depth + 1)],
    ),
  );
}
