import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfficeClient } from "../../office/client.ts";
import { addOfficeKey } from "../../services/addOfficeKey.ts";
import { handleIncomingSms } from "../../services/handleIncomingSms.ts";
import { startTestGateway, type TestGateway } from "../../testing/harness.ts";
import { type Served, serve } from "../../testing/office.ts";

let gw: TestGateway;
let server: Served;
let client: OfficeClient;

beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false });
  const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-main" });
  server = serve(gw.officeApp.fetch);
  client = new OfficeClient({
    baseUrl: `${server.url}/office/v1`,
    key,
    now: () => gw.clock.now().getTime(),
    retryBaseMs: 10,
  });
});

afterAll(async () => {
  await server.stop();
  await gw.dispose();
});

describe("office: SMS replies from residents", () => {
  it("lists replies that need a person, pages by cursor and marks them seen", async () => {
    const receivedAt = gw.clock.now().toISOString();
    for (const [i, text] of ["Kiedy będzie woda?", "Proszę o kontakt", "Dziękuję"].entries()) {
      handleIncomingSms(gw.ctx, { key: `in-${i}`, from: "+48600100200", text, receivedAt });
    }
    const first = await client.json("GET", "/messages?limit=2&action=office");
    expect(first.messages.map((m: { text: string }) => m.text)).toEqual(["Kiedy będzie woda?", "Proszę o kontakt"]);
    expect(first.messages[0]).toMatchObject({ from: "+48600100200", action: "office", seenAt: null });
    const rest = await client.json(
      "GET",
      `/messages?limit=2&action=office&after=${encodeURIComponent(first.next_cursor)}`,
    );
    expect(rest.messages.map((m: { text: string }) => m.text)).toEqual(["Dziękuję"]);

    const marked = await client.json("POST", "/messages/seen", { ids: [first.messages[0].id] });
    expect(marked).toEqual({ marked: 1 });
    const unseen = await client.json("GET", "/messages?unseen=true");
    expect(unseen.messages).toHaveLength(2);
  });

  it("requires the office signature and a valid body", async () => {
    const unsigned = await fetch(`${server.url}/office/v1/messages`);
    expect(unsigned.status).toBe(401);
    const bad = await client.raw("POST", "/messages/seen", { ids: [] });
    expect(bad.status).toBe(400);
  });
});
