/**
 * `npm run bench -- bounces`: the classification rate over our bounce fixtures (kind and blamed
 * address right), and the classifier's speed against a mailparser alone parse of the same
 * messages (the reference), measured in interleaved rounds in the same run.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { classifyBounce } from "../gateway/messaging/bounce/classify.ts";
import { benchMachine } from "./machine.ts";

const machine = benchMachine("bounces");

const dir = join(import.meta.dirname, "../gateway/messaging/bounce/fixtures");
const expected: Record<string, { kind: string; recipients: string[] }> = JSON.parse(
  readFileSync(join(dir, "expected.json"), "utf8"),
);
const files = readdirSync(dir).filter((f) => f.endsWith(".eml"));
const messages = files.map((f) => readFileSync(join(dir, f)));

const byKind = new Map<string, { total: number; right: number }>();
let right = 0;
for (const [i, file] of files.entries()) {
  const r = await classifyBounce(messages[i]);
  const want = expected[file];
  const ok = r.kind === want.kind && r.recipients.join() === want.recipients.join();
  if (ok) right++;
  const k = byKind.get(want.kind) ?? { total: 0, right: 0 };
  k.total++;
  if (ok) k.right++;
  byKind.set(want.kind, k);
  if (!ok) console.log(`  missed ${file}: got ${r.kind} [${r.recipients.join(", ")}], want ${want.kind}`);
}
console.log(`classified right: ${right} of ${files.length} (${((100 * right) / files.length).toFixed(1)} %)`);
for (const [kind, k] of byKind) console.log(`  ${kind.padEnd(13)} ${k.right}/${k.total}`);

/** The classifier's own mailparser options: the ratio is then what classifying adds to parsing. */
const PARSE_OPTIONS = { keepDeliveryStatus: true, skipImageLinks: true, skipTextToHtml: true } as const;
const ROUNDS = 9;
const REPEAT = 20;
const ratios: number[] = [];
let ours = 0;
let reference = 0;
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  for (let n = 0; n < REPEAT; n++) for (const m of messages) await simpleParser(m, PARSE_OPTIONS);
  const ref = performance.now() - t;
  t = performance.now();
  for (let n = 0; n < REPEAT; n++) for (const m of messages) await classifyBounce(m);
  const own = performance.now() - t;
  ratios.push(own / ref);
  ours += own;
  reference += ref;
}
ratios.sort((a, b) => a - b);
const perSecond = (ms: number) => Math.round((ROUNDS * REPEAT * messages.length) / (ms / 1000));
console.log(
  `classify ${perSecond(ours)} msg/s vs mailparser alone ${perSecond(reference)} msg/s: ` +
    `time ratio median ${ratios[Math.floor(ROUNDS / 2)].toFixed(2)}x (rounds ${ratios[0].toFixed(2)}–${ratios[ROUNDS - 1].toFixed(2)})${machine.tag ? ` ${machine.tag}` : ""}`,
);
