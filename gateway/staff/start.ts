/** Demo mode's console user `biuro` (password `staff.demoPassword`, env STAFF_DEMO_PASSWORD). */
import { count } from "drizzle-orm";
import { staffUsers } from "../../db/schema/index.ts";
import type { BaseContext } from "../context.ts";
import { addStaffUser } from "../services/addStaffUser.ts";

export const DEMO_STAFF_USER = "biuro";

export function ensureDemoStaffUser(ctx: BaseContext): { username: string; password: string } | null {
  if (!ctx.config.demo) return null;
  const users = ctx.db.select({ n: count() }).from(staffUsers).get()?.n ?? 0;
  if (users > 0) return null;
  const password = ctx.config.staff.demoPassword;
  addStaffUser(ctx, { username: DEMO_STAFF_USER, displayName: "Biuro (demo)", password: password.padEnd(10, "!") });
  return { username: DEMO_STAFF_USER, password: password.padEnd(10, "!") };
}
