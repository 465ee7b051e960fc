import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextState, PrinterStateMachine, stateFromStatus } from "./printerState.ts";
import {
  applyStatusByte,
  encodeStatusByte,
  isStatusByte,
  type PrinterStatus,
  STATUS_OK,
  type StatusKind,
  StatusParser,
} from "./status.ts";

const KINDS: StatusKind[] = [1, 2, 3, 4];

function answersFor(status: PrinterStatus): number[] {
  return KINDS.map((n) => encodeStatusByte(status, n));
}

function parseAll(chunks: Uint8Array[]): { answers: Array<[StatusKind, number]>; parser: StatusParser } {
  const answers: Array<[StatusKind, number]> = [];
  const parser = new StatusParser((n, b) => answers.push([n, b]));
  for (const n of KINDS) parser.expect(n);
  for (const chunk of chunks) parser.push(chunk);
  return { answers, parser };
}

const paperOut: PrinterStatus = { ...STATUS_OK, online: false, paperEnd: true, paperNearEnd: true };
const coverOpen: PrinterStatus = { ...STATUS_OK, online: false, coverOpen: true };

describe("DLE EOT status bytes", () => {
  it("decodes the Epson answers for a ready printer", () => {
    expect(answersFor(STATUS_OK)).toEqual([0x12, 0x12, 0x12, 0x12]);
    let s = { ...STATUS_OK };
    for (const n of KINDS) s = applyStatusByte(s, n, 0x12);
    expect(s).toEqual(STATUS_OK);
  });

  it("reads paper end from n=4 bits 5/6 and near end from bits 2/3", () => {
    expect(applyStatusByte(STATUS_OK, 4, 0x12 | 0x60).paperEnd).toBe(true);
    expect(applyStatusByte(STATUS_OK, 4, 0x12 | 0x0c)).toMatchObject({ paperNearEnd: true, paperEnd: false });
  });

  it("reads cover open from n=2 bit 2, offline from n=1 bit 3 and a cutter error from n=3 bit 3", () => {
    expect(applyStatusByte(STATUS_OK, 2, 0x16).coverOpen).toBe(true);
    expect(applyStatusByte(STATUS_OK, 1, 0x1a).online).toBe(false);
    expect(applyStatusByte(STATUS_OK, 3, 0x1a).cutterError).toBe(true);
  });

  it("encodes and decodes every combination the same way", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (on, cover, end, near, cutter) => {
          const status: PrinterStatus = {
            ...STATUS_OK,
            online: on,
            coverOpen: cover,
            paperEnd: end,
            paperNearEnd: near,
            cutterError: cutter,
          };
          let decoded = { ...STATUS_OK };
          for (const n of KINDS) {
            const byte = encodeStatusByte(status, n);
            expect(isStatusByte(byte)).toBe(true);
            decoded = applyStatusByte(decoded, n, byte);
          }
          expect(decoded).toMatchObject({
            online: on,
            coverOpen: cover,
            paperEnd: end,
            paperNearEnd: near,
            cutterError: cutter,
          });
        },
      ),
    );
  });
});

describe("the status stream parser", () => {
  const bytes = answersFor(paperOut);

  it("pairs answers with requests when they arrive one byte at a time", () => {
    const { answers } = parseAll(bytes.map((b) => Uint8Array.of(b)));
    expect(answers).toEqual(KINDS.map((n, i) => [n, bytes[i]]));
  });

  it("pairs answers that arrive joined in one chunk", () => {
    const { answers } = parseAll([Uint8Array.from(bytes)]);
    expect(answers.map(([n]) => n)).toEqual(KINDS);
  });

  it("skips junk, XON/XOFF and Automatic Status Back blocks between answers", () => {
    const asb = [0x10, 0x00, 0x0c, 0x00];
    const stream = [0x00, 0xff, 0x11, bytes[0], ...asb, 0x13, bytes[1], 0x41, 0x0a, bytes[2], 0x80, bytes[3], 0xfe];
    const { answers, parser } = parseAll([Uint8Array.from(stream.slice(0, 5)), Uint8Array.from(stream.slice(5))]);
    expect(answers).toEqual(KINDS.map((n, i) => [n, bytes[i]]));
    expect(parser.junkBytes).toBeGreaterThan(5);
  });

  it("finds the same answers however the stream is split and whatever junk surrounds it", () => {
    const junk = fc.array(
      fc.integer({ min: 0, max: 255 }).filter((b) => !isStatusByte(b) && (b & 0x93) !== 0x10),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(
        fc.array(junk, { minLength: 5, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
        (gaps, cuts) => {
          const stream = [
            ...gaps[0],
            bytes[0],
            ...gaps[1],
            bytes[1],
            ...gaps[2],
            bytes[2],
            ...gaps[3],
            bytes[3],
            ...gaps[4],
          ];
          const chunks: Uint8Array[] = [];
          let i = 0;
          for (let k = 0; i < stream.length; k++) {
            const size = cuts[k % cuts.length];
            chunks.push(Uint8Array.from(stream.slice(i, i + size)));
            i += size;
          }
          expect(parseAll(chunks).answers).toEqual(KINDS.map((n, j) => [n, bytes[j]]));
        },
      ),
    );
  });

  it("ignores answers nobody asked for", () => {
    const answers: number[] = [];
    const parser = new StatusParser((_n, b) => answers.push(b));
    parser.push(Uint8Array.of(0x12, 0x12));
    parser.expect(1);
    parser.push(Uint8Array.of(0x1a));
    expect(answers).toEqual([0x1a]);
  });
});

describe("the printer state machine", () => {
  it("names the most urgent problem", () => {
    expect(stateFromStatus(STATUS_OK)).toBe("ready");
    expect(stateFromStatus({ ...STATUS_OK, paperNearEnd: true })).toBe("paper_near_end");
    expect(stateFromStatus(paperOut)).toBe("paper_out");
    expect(stateFromStatus(coverOpen)).toBe("cover_open");
    expect(stateFromStatus({ ...paperOut, coverOpen: true })).toBe("cover_open");
    expect(stateFromStatus({ ...STATUS_OK, cutterError: true })).toBe("error");
    expect(stateFromStatus({ ...STATUS_OK, online: false })).toBe("offline");
  });

  it("goes offline when nobody answers and back to ready on a good status", () => {
    expect(nextState("ready", { type: "no_answer" })).toBe("offline");
    expect(nextState("offline", { type: "status", status: STATUS_OK })).toBe("ready");
  });

  it("only starts printing from a printable state", () => {
    expect(nextState("ready", { type: "print_started" })).toBe("printing");
    expect(nextState("paper_near_end", { type: "print_started" })).toBe("printing");
    expect(nextState("paper_out", { type: "print_started" })).toBe("paper_out");
    expect(nextState("printing", { type: "print_done" })).toBe("ready");
  });

  it("tells listeners about changes only", () => {
    const machine = new PrinterStateMachine(() => new Date("2026-03-02T10:00:00Z"));
    const seen: string[] = [];
    machine.onChange((c) => seen.push(`${c.from}->${c.to}`));
    machine.dispatch({ type: "status", status: STATUS_OK });
    machine.dispatch({ type: "status", status: STATUS_OK });
    machine.dispatch({ type: "status", status: paperOut });
    machine.dispatch({ type: "transport_error", message: "ECONNREFUSED" });
    expect(seen).toEqual(["unknown->ready", "ready->paper_out", "paper_out->offline"]);
    expect(machine.canPrint).toBe(false);
    expect(machine.detail).toBe("ECONNREFUSED");
  });
});
