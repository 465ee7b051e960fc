/**
 * Whether the kiosk can take a resident's application now: not while the data disk refuses
 * writes (full) or the register's chain is broken. Both clear without a restart.
 */
import type { DiskWatch } from "../diskWatch.ts";
import type { ConsentRegister } from "./register.ts";

export type ServiceState = { inService: true } | { inService: false; reason: "disk_full" | "register_broken" };

export function serviceState(deps: { disk: DiskWatch; register: ConsentRegister }): ServiceState {
  if (deps.disk.check().status === "down") return { inService: false, reason: "disk_full" };
  if (!deps.register.status.ok) return { inService: false, reason: "register_broken" };
  return { inService: true };
}
