/** `gammu-smsd-inject` through execa: one text message (multipart when long) into gammu's outbox. */
import { execa } from "execa";

export interface InjectRequest {
  /** Path of the binary (default `gammu-smsd-inject`). */
  bin: string;
  smsdrc: string;
  to: string;
  text: string;
  /** UCS-2: always for Polish diacritics, which GSM-7 cannot carry. */
  unicode: boolean;
  report: boolean;
  timeoutMs?: number;
}

export class InjectError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = "InjectError";
  }
}

const WRITTEN = /Written message with ID (\d+)/;

export function injectArgs(req: Omit<InjectRequest, "bin" | "timeoutMs">): string[] {
  return [
    "-c",
    req.smsdrc,
    "TEXT",
    req.to,
    ...(req.unicode ? ["-unicode"] : []),
    // Without -len gammu silently cuts the text to one segment; with it, long texts go multipart.
    "-len",
    String(req.text.length),
    ...(req.report ? ["-report"] : []),
    "-text",
    req.text,
  ];
}

/** Runs the inject and returns gammu's message id (the outbox `ID`). */
export async function inject(req: InjectRequest): Promise<number> {
  const result = await execa(req.bin, injectArgs(req), {
    reject: false,
    all: true,
    timeout: req.timeoutMs ?? 15_000,
    env: { TZ: "UTC" },
    stdin: "ignore",
  });
  const output = result.all ?? "";
  const match = WRITTEN.exec(output);
  if (result.exitCode !== 0 || !match) {
    const last = output.trim().split("\n").slice(-2).join(" | ");
    throw new InjectError(`gammu-smsd-inject failed (exit ${result.exitCode ?? "signal"}): ${last}`, output);
  }
  return Number(match[1]);
}
