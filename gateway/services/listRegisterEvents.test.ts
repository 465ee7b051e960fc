import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { listRegisterEvents } from "./listRegisterEvents.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false });
});
afterAll(() => gw.dispose());

describe("register events page", () => {
  it("serialises exactly the stored events, escaping what needs escaping", () => {
    const odd = ['O"1\\', "Zażółć\u2028", "plain-id_1", null];
    gw.ctx.db.transaction((tx) => {
      for (const [i, ownerId] of odd.entries()) {
        gw.ctx.register.append(
          tx,
          { type: "enrolled", payload: { email: `a${i}@example.pl`, channels: ["email"], consentVersion: 'v"1' } },
          `F-${i}`,
          ownerId,
        );
      }
    });
    const page = listRegisterEvents(gw.ctx, { after: 0, limit: 3 });
    const parsed = JSON.parse(page.json);
    expect(parsed.events).toEqual(gw.ctx.register.eventsAfter(0, 3));
    expect(parsed).toMatchObject({ next_cursor: 3, head_seq: 4, has_more: true });
    const rest = JSON.parse(listRegisterEvents(gw.ctx, { after: 3, limit: 10 }).json);
    expect(rest.events).toEqual(gw.ctx.register.eventsAfter(3, 10));
    expect(rest).toMatchObject({ next_cursor: 4, has_more: false });
  });
});
