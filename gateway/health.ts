/** `/healthz` parts: each subsystem registers a probe; missing parts say `not_configured`. */
export type PartStatus = "ok" | "degraded" | "down" | "not_configured";

export interface PartHealth {
  status: PartStatus;
  [detail: string]: unknown;
}

export const HEALTH_PARTS = ["db", "register", "printer", "modem", "smtp", "office_sync"] as const;
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
    // The db and the register are what a resident's enrolment needs; the rest degrade service.
    const critical = (["db", "register"] as const).some((n) => parts[n].status === "down");
    const status = critical ? "down" : statuses.some((s) => s === "down" || s === "degraded") ? "degraded" : "ok";
    return { status, parts };
  }
}
