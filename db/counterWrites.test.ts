import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "./client.ts";
import { writeCounter } from "./counterWrites.ts";
import { staffLoginFailures } from "./schema/index.ts";

let dir: string;
let database: OpenedDb;
afterEach(() => {
  database?.close();
  rmSync(dir, { recursive: true, force: true });
});

const synchronous = () => (database.sqlite.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous;
const FULL = 2;
const NORMAL = 1;

describe("counter writes", () => {
  it("write without waiting for the disk, and leave every other commit waiting for it", () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-counter-"));
    database = openDb(join(dir, "gateway.sqlite"));
    expect(synchronous()).toBe(FULL);
    const seen = writeCounter(database.db, () => {
      database.db.insert(staffLoginFailures).values({ username: "x", client: "10.0.0.1", at: "2026-01-01" }).run();
      return synchronous();
    });
    expect(seen).toBe(NORMAL);
    expect(synchronous()).toBe(FULL);
    expect(database.db.select().from(staffLoginFailures).all()).toHaveLength(1);
    expect(() =>
      writeCounter(database.db, () => {
        throw new Error("constraint");
      }),
    ).toThrow("constraint");
    expect(synchronous()).toBe(FULL);
  });
});
