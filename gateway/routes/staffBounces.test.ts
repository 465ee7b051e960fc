import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyBounce } from "../messaging/bounce/classify.ts";
import { addStaffUser } from "../services/addStaffUser.ts";
import { recordBounce } from "../services/recordBounce.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  addStaffUser(gw.ctx, { username: "ola", displayName: "Ola z biura", password: "Zwroty-Poczty-2026" });
});
afterAll(() => gw.dispose());

const request = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
  gw.officeApp.request(`http://localhost${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("unclassified bounces in the staff console", () => {
  it("lists a bounce nobody could read, with its text, and lets staff mark it reviewed", async () => {
    const raw = readFileSync(join(import.meta.dirname, "../messaging/bounce/fixtures/unreadable-verp.eml"), "utf8");
    recordBounce(gw.ctx, await classifyBounce(raw), raw);

    expect((await request("GET", "/office/api/bounces?kind=unclassified")).status).toBe(401);
    const login = await request(
      "POST",
      "/office/api/login",
      { origin: "http://localhost" },
      {
        username: "ola",
        password: "Zwroty-Poczty-2026",
      },
    );
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;

    const list = (await (await request("GET", "/office/api/bounces?kind=unclassified", { cookie })).json()) as {
      bounces: Array<{ id: string; raw: string; reviewedBy: string | null }>;
    };
    expect(list.bounces).toHaveLength(1);
    expect(list.bounces[0].raw).toContain("status code Q-77");

    const id = list.bounces[0].id;
    expect((await request("POST", `/office/api/bounces/${id}/reviewed`, { cookie })).status).toBe(403);
    expect((await request("POST", `/office/api/bounces/${id}/reviewed`, { cookie, "x-csrf-token": csrf })).status).toBe(
      200,
    );
    expect((await request("POST", `/office/api/bounces/${id}/reviewed`, { cookie, "x-csrf-token": csrf })).status).toBe(
      404,
    );
    const after = (await (await request("GET", "/office/api/bounces?kind=unclassified", { cookie })).json()) as {
      bounces: Array<{ reviewedBy: string | null }>;
    };
    expect(after.bounces[0].reviewedBy).toBe("ola");
  });
});
