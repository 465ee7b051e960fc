/**
 * Leaving the demo: its office key, its staff login and its owners register must not outlive it.
 * Production refuses to start while any of them is in the database and names `purge-demo`.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import {
  buildings,
  flats,
  officeKeys,
  owners,
  ownershipShares,
  registerEvents,
  staffSessions,
  staffUsers,
} from "../../db/schema/index.ts";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import { DEMO_OFFICE_KEY_ID } from "../services/ensureDemoOfficeKey.ts";
import { DEMO_STAFF_USER } from "../staff/start.ts";
import { StartupError } from "./startupError.ts";

export const PURGE_COMMAND = "npm run provision -- purge-demo";

export interface DemoLeftovers {
  officeKeys: string[];
  staffUsers: string[];
  owners: number;
  /** Register events of the demo's flats (the demo was used: the chain cannot lose them). */
  registerEvents: number;
}

const demo = demoOwnersRegister();
const DEMO_OWNER_NAMES = new Map(demo.owners.map((o) => [o.id, `${o.firstName} ${o.surname}`]));

/** The demo's owners in the database: same id and same name (a real register may reuse ids like O0001). */
function demoOwnerIds(db: DbOrTx): string[] {
  return db
    .select({ id: owners.id, firstName: owners.firstName, surname: owners.surname })
    .from(owners)
    .where(inArray(owners.id, [...DEMO_OWNER_NAMES.keys()]))
    .all()
    .filter((o) => DEMO_OWNER_NAMES.get(o.id) === `${o.firstName} ${o.surname}`)
    .map((o) => o.id);
}

function demoIds(db: DbOrTx): { owners: string[]; flats: string[]; buildings: string[] } {
  return { owners: demoOwnerIds(db), flats: demo.flats.map((f) => f.code), buildings: demo.buildings.map((b) => b.id) };
}

export function findDemoLeftovers(db: DbOrTx): DemoLeftovers {
  const ids = demoIds(db);
  const keys = db
    .select({ keyId: officeKeys.keyId })
    .from(officeKeys)
    .where(and(eq(officeKeys.keyId, DEMO_OFFICE_KEY_ID), isNull(officeKeys.revokedAt)))
    .all();
  const users = db
    .select({ username: staffUsers.username })
    .from(staffUsers)
    .where(and(eq(staffUsers.username, DEMO_STAFF_USER), isNull(staffUsers.disabledAt)))
    .all();
  const events = ids.owners.length
    ? db
        .select({ seq: registerEvents.seq })
        .from(registerEvents)
        .where(inArray(registerEvents.flatCode, ids.flats))
        .all()
    : [];
  return {
    officeKeys: keys.map((k) => k.keyId),
    staffUsers: users.map((u) => u.username),
    owners: ids.owners.length,
    registerEvents: events.length,
  };
}

export function hasDemoLeftovers(found: DemoLeftovers): boolean {
  return found.officeKeys.length + found.staffUsers.length + found.owners > 0;
}

export function describeLeftovers(found: DemoLeftovers): string {
  return [
    ...found.officeKeys.map((k) => `the demo office key ${k}`),
    ...found.staffUsers.map((u) => `the demo staff login ${u}`),
    ...(found.owners ? [`${found.owners} owners of the demo owners register`] : []),
  ].join(", ");
}

/** Throws when production starts on a data directory that still holds the demo's credentials or owners. */
export function assertNoDemoLeftovers(db: DbOrTx): void {
  const found = findDemoLeftovers(db);
  if (!hasDemoLeftovers(found)) return;
  throw new StartupError(
    "DEMO_DATA_IN_PRODUCTION",
    `production refuses to start while this database holds ${describeLeftovers(found)}: remove them with \`${PURGE_COMMAND}\``,
  );
}

/**
 * Revokes the demo office key, disables the demo login (and ends its sessions), and deletes the
 * demo owners register. Refused when the demo's flats have register events: the chain keeps
 * every event, so such a database is the demo's; move it away and `init` a new one.
 */
export function purgeDemo(deps: Pick<CoreDeps, "db" | "clock">): DemoLeftovers {
  const found = findDemoLeftovers(deps.db);
  if (found.registerEvents > 0) {
    throw new StartupError(
      "DEMO_DATA_IN_PRODUCTION",
      `the demo was used: its flats have ${found.registerEvents} register events, which the chain cannot lose. ` +
        "Stop the gateway, move this data directory's gateway.sqlite away (keep keys/), and run `npm run provision -- init --force-new`",
    );
  }
  const ids = demoIds(deps.db);
  const now = deps.clock.now().toISOString();
  deps.db.transaction((tx) => {
    tx.update(officeKeys)
      .set({ revokedAt: now })
      .where(and(eq(officeKeys.keyId, DEMO_OFFICE_KEY_ID), isNull(officeKeys.revokedAt)))
      .run();
    const users = tx
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(eq(staffUsers.username, DEMO_STAFF_USER))
      .all();
    for (const user of users) {
      tx.delete(staffSessions).where(eq(staffSessions.userId, user.id)).run();
      tx.update(staffUsers)
        .set({ disabledAt: now })
        .where(and(eq(staffUsers.id, user.id), isNull(staffUsers.disabledAt)))
        .run();
    }
    tx.delete(ownershipShares).where(inArray(ownershipShares.ownerId, ids.owners)).run();
    tx.delete(owners).where(inArray(owners.id, ids.owners)).run();
    const stillOwned = new Set(
      tx
        .select({ flatCode: ownershipShares.flatCode })
        .from(ownershipShares)
        .all()
        .map((s) => s.flatCode),
    );
    const orphanFlats = ids.flats.filter((code) => !stillOwned.has(code));
    if (orphanFlats.length) tx.delete(flats).where(inArray(flats.code, orphanFlats)).run();
    const usedBuildings = new Set(
      tx
        .select({ id: flats.buildingId })
        .from(flats)
        .all()
        .map((f) => f.id),
    );
    const orphanBuildings = ids.buildings.filter((id) => !usedBuildings.has(id));
    if (orphanBuildings.length) tx.delete(buildings).where(inArray(buildings.id, orphanBuildings)).run();
  });
  return found;
}
