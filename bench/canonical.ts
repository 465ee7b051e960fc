/**
 * `npm run bench -- canonical`: our RFC 8785 serialiser (gateway/domain/registerEvents.ts) against
 * the `canonicalize` library on the same register events, in interleaved rounds in one run.
 * The decision it backs: keep our own only while it is measurably faster (issue: one source of truth).
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { canonicalEnvelope, canonicalJson, type UnsealedEvent } from "../gateway/domain/registerEvents.ts";
import { benchMachine } from "./machine.ts";

const machine = benchMachine("canonical");

const N = 20_000;
const events: UnsealedEvent[] = Array.from({ length: N }, (_, i) => ({
  seq: i + 1,
  type: "enrolled" as const,
  flatCode: `KEL10-A-${i % 120}`,
  ownerId: `O${String(i).padStart(5, "0")}`,
  occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  prevHash: "a".repeat(64),
  payload: {
    email: `mieszkaniec.${i}@example.pl`,
    mobile: `+48600${String(i).padStart(6, "0")}`,
    channels: ["email", "sms"] as Array<"email" | "sms">,
    consentVersion: "2021-08-v1",
    kioskId: "K1",
  },
})) as UnsealedEvent[];

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const library = () => {
  let x = 0;
  for (const e of events) x += sha(canonicalize(e) as string).length;
  return x;
};
const ours = () => {
  let x = 0;
  for (const e of events) x += sha(canonicalEnvelope(e, canonicalJson(e.payload))).length;
  return x;
};
// same bytes, or the comparison means nothing
for (const e of events.slice(0, 100)) {
  if (canonicalize(e) !== canonicalEnvelope(e, canonicalJson(e.payload))) throw new Error("outputs differ");
}

const ROUNDS = 11;
const ratios: number[] = [];
let libMs = 0;
let ourMs = 0;
library();
ours();
for (let r = 0; r < ROUNDS; r++) {
  let t = performance.now();
  library();
  const a = performance.now() - t;
  t = performance.now();
  ours();
  const b = performance.now() - t;
  ratios.push(a / b);
  libMs += a;
  ourMs += b;
}
ratios.sort((a, b) => a - b);
const rate = (ms: number) => Math.round((ROUNDS * N) / (ms / 1000)).toLocaleString("en");
console.log(
  `serialise + SHA-256 per event: ours ${rate(ourMs)} events/s, canonicalize ${rate(libMs)} events/s; ` +
    `speed-up median ${ratios[Math.floor(ROUNDS / 2)].toFixed(2)}x (rounds ${ratios[0].toFixed(2)}–${ratios[ROUNDS - 1].toFixed(2)})` +
    (machine.tag ? ` ${machine.tag}` : ""),
);
