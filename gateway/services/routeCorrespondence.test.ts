import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect } from "../testing/office.ts";
import { importOwners } from "./importOwners.ts";
import { routeCorrespondence } from "./routeCorrespondence.ts";

// Ids that a cleaned folder name used to merge: ':' and '_', dots only, a shared 80-character prefix.
const IDS = ["att:T", "att_T", ".", "..", "...", `${"x".repeat(80)}-1`, `${"x".repeat(80)}-2`];
const flatOf = (n: number) => `KEL10-A-${n + 1}`;
const pdfFor = (flat: string) => Buffer.from(`%PDF-1.4\n% letter for ${flat}\n%%EOF\n`);

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false });
  importOwners(gw.ctx, {
    buildings: [{ id: "KEL10", address: "ul. Kelecka 10", city: "Radom" }],
    flats: IDS.map((_, n) => ({ code: flatOf(n), buildingId: "KEL10", staircase: "A", number: String(n + 1) })),
    owners: IDS.map((_, n) => ({ id: `O${n}`, firstName: "Jan", surname: `Kowalski${n}` })),
    shares: IDS.map((_, n) => ({ flatCode: flatOf(n), ownerId: `O${n}`, role: "owner" as const })),
  });
  IDS.forEach((_, n) => {
    enrolDirect(gw, flatOf(n), `O${n}`, { email: `lokator${n}@example.pl` }, "2026-01-05T09:00:00Z");
  });
});

afterAll(async () => {
  await gw.dispose();
});

describe("correspondence attachments", () => {
  it("gives every resident's email its own flat's PDF, whatever the item ids look like", () => {
    const answer = routeCorrespondence(gw.ctx, {
      items: IDS.map((id, n) => ({
        id,
        flat: flatOf(n),
        category: "water_bill" as const,
        generated_at: "2026-03-02T08:00:00Z",
        subject: "Rachunek za wodę",
        text: "W załączniku rachunek.",
        attachments: [{ filename: "rachunek.pdf", content_base64: pdfFor(flatOf(n)).toString("base64") }],
      })),
    });
    expect(answer.items.map((i) => i.status)).toEqual(IDS.map(() => "accepted"));
    const paths = new Set<string>();
    IDS.forEach((id, n) => {
      const row = gw.ctx.database.sqlite
        .query("SELECT recipient, payload FROM outbox WHERE id = ?")
        .get(`corr:${id}:email`) as { recipient: string; payload: string };
      expect(row.recipient).toBe(`lokator${n}@example.pl`);
      const [attachment] = JSON.parse(row.payload).attachments as Array<{ filename: string; path: string }>;
      expect(attachment.filename).toBe("rachunek.pdf");
      expect(readFileSync(attachment.path).toString("latin1")).toBe(pdfFor(flatOf(n)).toString("latin1"));
      expect(attachment.path.startsWith(`${gw.dataDir}/correspondence/`)).toBe(true);
      paths.add(attachment.path);
    });
    expect(paths.size).toBe(IDS.length);
  });
});
