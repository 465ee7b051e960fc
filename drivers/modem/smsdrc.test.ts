import { describe, expect, it } from "vitest";
import { renderSmsdrc } from "./smsdrc.ts";

const base = {
  device: "/dev/gsm-modem",
  connection: "at",
  dbDir: "/var/lib/ekor/gammu",
  dbFile: "smsd.sqlite",
  phoneId: "ekor",
  logFile: "stderr",
  deliveryReports: true,
};

function section(text: string, name: string): Record<string, string> {
  const body = text.split(`[${name}]\n`)[1]?.split("\n[")[0] ?? "";
  return Object.fromEntries(
    body
      .split("\n")
      .filter((l) => l.includes(" = "))
      .map((l) => l.split(" = ") as [string, string]),
  );
}

describe("smsdrc", () => {
  it("points gammu-smsd at the modem and at its own SQLite database through the SQL service", () => {
    const text = renderSmsdrc({ ...base, pin: "1234" });
    expect(section(text, "gammu")).toEqual({ device: "/dev/gsm-modem", connection: "at" });
    expect(section(text, "smsd")).toMatchObject({
      service: "sql",
      driver: "sqlite3",
      dbdir: "/var/lib/ekor/gammu",
      database: "smsd.sqlite",
      phoneid: "ekor",
      pin: "1234",
      deliveryreport: "sms",
      logfile: "stderr",
    });
  });

  it("lets a directory play the modem with the dummy model", () => {
    const text = renderSmsdrc({ ...base, device: "/tmp/modem", model: "dummy" });
    expect(section(text, "gammu")).toEqual({ device: "/tmp/modem", connection: "none", model: "dummy" });
    expect(section(text, "smsd").pin).toBeUndefined();
  });

  it("refuses values that would inject configuration lines and PINs that are not 4-8 digits", () => {
    expect(() => renderSmsdrc({ ...base, device: "/dev/x\n[smsd]\nservice = files" })).toThrow(/device/);
    expect(() => renderSmsdrc({ ...base, pin: "12a4" })).toThrow(/PIN/);
  });
});
