import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { DEMO_OFFICE_KEY_ID, ensureDemoOfficeKey } from "../services/ensureDemoOfficeKey.ts";
import { revokeOfficeKey } from "../services/revokeOfficeKey.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { newNonce, sha256Hex, signature, signRequest, stringToSign } from "./signing.ts";

let gw: TestGateway;
let key: { keyId: string; secret: string };

const PATH = "/office/v1/register/events?after=0&limit=5";

function send(headers: Record<string, string>, path = PATH, method = "GET", body?: string) {
  return gw.officeApp.request(path, { method, headers, body });
}

function signed(overrides: Partial<Record<string, string>> = {}, at = gw.clock.now().getTime() / 1000) {
  const headers: Record<string, string> = { ...signRequest(key, { method: "GET", pathWithQuery: PATH }, at) };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

type ErrorBody = { error: { code: string; header?: string; server_time?: number } };

async function code(res: Response): Promise<{ status: number; code: string; body: ErrorBody }> {
  const body = (await res.json()) as ErrorBody;
  return { status: res.status, code: body?.error?.code, body };
}

beforeAll(async () => {
  gw = await startTestGateway();
  key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-1" });
});
afterAll(() => gw.dispose());

describe("office request signatures", () => {
  it("accepts a correctly signed request", async () => {
    const res = await send(signed());
    expect(res.status).toBe(200);
    expect((await res.json()).events).toBeInstanceOf(Array);
  });

  for (const header of ["X-Office-Key", "X-Office-Timestamp", "X-Office-Nonce", "X-Office-Signature"]) {
    it(`answers 401 missing_header when ${header} is missing`, async () => {
      const r = await code(await send(signed({ [header]: undefined })));
      expect(r.status).toBe(401);
      expect(r.code).toBe("missing_header");
      expect(r.body.error.header).toBe(header.toLowerCase());
    });
  }

  it("answers unknown_key for a key id it does not know", async () => {
    const r = await code(await send(signed({ "X-Office-Key": "nobody" })));
    expect([r.status, r.code]).toEqual([401, "unknown_key"]);
  });

  it("answers bad_signature for a wrong secret, a changed path, a changed body or a changed nonce", async () => {
    const wrongSecret = signRequest(
      { keyId: key.keyId, secret: "x".repeat(64) },
      { method: "GET", pathWithQuery: PATH },
      gw.clock.now().getTime() / 1000,
    );
    expect((await code(await send({ ...wrongSecret }))).code).toBe("bad_signature");
    expect((await code(await send(signed(), "/office/v1/register/events?after=1&limit=5"))).code).toBe("bad_signature");
    const postHeaders = signRequest(
      key,
      { method: "POST", pathWithQuery: "/office/v1/correspondence", body: '{"items":[]}' },
      gw.clock.now().getTime() / 1000,
    );
    const tampered = await send(postHeaders, "/office/v1/correspondence", "POST", '{"items":[1]}');
    expect((await code(tampered)).code).toBe("bad_signature");
    expect((await code(await send(signed({ "X-Office-Nonce": newNonce() })))).code).toBe("bad_signature");
    expect((await code(await send(signed({ "X-Office-Signature": "zz" })))).code).toBe("bad_signature");
  });

  it("answers bad_header for a short nonce or a timestamp that is not a number", async () => {
    expect((await code(await send(signed({ "X-Office-Nonce": "short" })))).code).toBe("bad_header");
    expect((await code(await send(signed({ "X-Office-Timestamp": "yesterday" })))).code).toBe("bad_header");
  });

  it("answers timestamp_skew with the server time when the client clock is 10 minutes off", async () => {
    const now = gw.clock.now().getTime() / 1000;
    for (const skew of [-600, 600, 301, -301]) {
      const r = await code(await send(signed({}, now + skew)));
      expect([r.status, r.code]).toEqual([401, "timestamp_skew"]);
      expect(r.body.error.server_time).toBe(Math.floor(now));
    }
    expect((await send(signed({}, now + 299))).status).toBe(200);
    expect((await send(signed({}, now - 299))).status).toBe(200);
  });

  it("answers replayed when the same signed request comes twice", async () => {
    const headers = signed();
    expect((await send(headers)).status).toBe(200);
    const r = await code(await send(headers));
    expect([r.status, r.code]).toEqual([401, "replayed"]);
  });

  it("rotates keys without downtime: both keys work until the old one is revoked", async () => {
    const second = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-2" });
    const sign = (k: { keyId: string; secret: string }) =>
      signRequest(k, { method: "GET", pathWithQuery: PATH }, gw.clock.now().getTime() / 1000);
    expect((await send(sign(key))).status).toBe(200);
    expect((await send(sign(second))).status).toBe(200);
    revokeOfficeKey(gw.ctx, "office-1");
    expect((await code(await send(sign(key)))).code).toBe("revoked_key");
    expect((await send(sign(second))).status).toBe(200);
    key = second;
  });

  it("forgets nonces once they are outside the window, and still refuses their timestamps", async () => {
    const headers = signed();
    expect((await send(headers)).status).toBe(200);
    const count = () =>
      (gw.ctx.database.sqlite.query("SELECT count(*) AS n FROM office_nonces").get() as { n: number }).n;
    const before = count();
    expect(before).toBeGreaterThan(0);
    gw.clock.advance(11 * 60_000);
    expect((await send(signed())).status).toBe(200);
    expect(count()).toBe(1);
    expect((await code(await send(headers))).code).toBe("timestamp_skew");
  });

  it("matches the documented string to sign", () => {
    const canonical = stringToSign(
      "get",
      "/office/v1/paper?date=2026-03-02",
      "1772445600",
      "0123456789abcdef",
      sha256Hex(""),
    );
    expect(canonical).toBe(
      "GET\n/office/v1/paper?date=2026-03-02\n1772445600\n0123456789abcdef\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(signature("secret", canonical)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("demo office key", () => {
  it("is generated once, stored, and replaced by OFFICE_DEMO_SECRET when set", async () => {
    const first = ensureDemoOfficeKey(gw.ctx);
    expect(first.keyId).toBe(DEMO_OFFICE_KEY_ID);
    const again = ensureDemoOfficeKey(gw.ctx);
    expect(again).toMatchObject({ secret: first.secret, source: "stored" });
    const fromEnv = ensureDemoOfficeKey({
      ...gw.ctx,
      config: { ...gw.config, office: { ...gw.config.office, demoSecret: "s".repeat(32) } },
    });
    expect(fromEnv).toMatchObject({ secret: "s".repeat(32), source: "environment" });
    const res = await send(
      signRequest(
        { keyId: DEMO_OFFICE_KEY_ID, secret: "s".repeat(32) },
        { method: "GET", pathWithQuery: PATH },
        gw.clock.now().getTime() / 1000,
      ),
    );
    expect(res.status).toBe(200);
  });
});
