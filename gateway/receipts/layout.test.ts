import { describe, expect, it } from "vitest";
import type { SlipDocument } from "../../drivers/printer/slip.ts";
import { validateConfig } from "../config.ts";
import { SAMPLE_INPUT } from "./fixtures.ts";
import { layoutSlip, localDateTime, slipContextOf } from "./layout.ts";
import { buildSignedReceipt } from "./receiptData.ts";

const config = validateConfig({ dataDir: "/tmp/unused" });

function text(doc: SlipDocument): string {
  return doc.blocks
    .map((b) =>
      b.kind === "text" ? b.text : b.kind === "field" ? `${b.label} ${b.value}` : b.kind === "qr" ? "[QR]" : "",
    )
    .join("\n");
}

function slipFor(overrides: Partial<typeof SAMPLE_INPUT>): string {
  const data = buildSignedReceipt({ ...SAMPLE_INPUT, ...overrides }, "K1-000007", config.timezone);
  return text(layoutSlip(data, "EK1.X.", slipContextOf(config, { flatLabel: SAMPLE_INPUT.flatLabel })));
}

describe("the slip's wording", () => {
  it("lists categories by channel, the start date, the paper period and what stays on paper", () => {
    const t = slipFor({});
    expect(t).toContain("ZGODA NA KORESPONDENCJĘ ELEKTRONICZNĄ");
    expect(t).toContain("Korespondencja elektroniczna od 16.03.2026:");
    expect(t).toContain(
      "E-mail: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, inna korespondencja",
    );
    expect(t).toContain("SMS: przypomnienia o płatnościach, awarie, przerwy w dostawie mediów, komunikaty o budynku");
    expect(t).toContain("Do 15.03.2026 włącznie korespondencja przychodzi jeszcze pocztą.");
    expect(t).toContain("Zawsze pocztą: wezwania do zapłaty");
    expect(t).toContain("Wersja treści zgody: 2021-08-v1");
    expect(t).toContain("Rezygnacja w każdej chwili");
    expect(t).toContain("Zdarzenie w rejestrze: #42 9f2c4e1ab37d5c60");
    expect(t).toContain("Lokal: ul. Kelecka 10 kl. A m. 12 (KEL10-A-12)");
  });

  it("keeps letters on paper for a resident who chose SMS only", () => {
    const t = slipFor({ channels: ["sms"], email: null, action: "update" });
    expect(t).toContain("AKTUALIZACJA DANYCH KONTAKTOWYCH");
    expect(t).not.toContain("E-mail:");
    expect(t).toContain(
      "Zawsze pocztą: rachunki za wodę, informacje o zmianie opłat, wezwania do zapłaty, inna korespondencja",
    );
  });

  it("says everything goes by post after a withdrawal", () => {
    const t = slipFor({ action: "withdrawal", channels: [], email: null, mobile: null, electronicFrom: null });
    expect(t).toContain("REZYGNACJA Z KORESPONDENCJI ELEKTRONICZNEJ");
    expect(t).toContain("Cała korespondencja będzie przesyłana pocztą.");
    expect(t).not.toContain("Rezygnacja w każdej chwili");
  });

  it("adds one line in the resident's kiosk language", () => {
    expect(slipFor({ language: "en" })).toContain("Confirmation: you agreed to receive letters by e-mail/SMS.");
    expect(slipFor({ language: "uk" })).toContain("Підтвердження згоди на листування e-mail/SMS.");
    expect(
      slipFor({ language: "pl" })
        .split("\n")
        .filter((l) => /Confirmation|Підтвердження/.test(l)),
    ).toEqual([]);
  });

  it("prints the time in Warsaw, summer and winter", () => {
    expect(localDateTime("2026-01-15T10:00:00Z", "Europe/Warsaw")).toBe("15.01.2026 11:00");
    expect(localDateTime("2026-07-15T22:30:00Z", "Europe/Warsaw")).toBe("16.07.2026 00:30");
  });
});
