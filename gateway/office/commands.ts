/**
 * The reference office client's commands, as functions over an `OfficeClient` (the CLI in
 * cli.ts parses arguments and calls these; tests call them directly).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Db } from "../../db/client.ts";
import type { ConsentEvent } from "../domain/registerEvents.ts";
import type { OwnersRegister } from "../services/importOwners.ts";
import type { DeliveryChange } from "../services/listDeliveries.ts";
import type { PaperItem } from "../services/paperList.ts";
import type { BatchAnswer, CorrespondenceItem, ItemAnswer } from "../services/routeCorrespondence.ts";
import type { OfficeClient } from "./client.ts";
import { csvRecords } from "./csv.ts";
import { applyDeliveries, applyEvents, copyHead, readCursor, verifyCopy, writeCursor } from "./officeCopy.ts";
import { type Progress, silentProgress } from "./progress.ts";

/**
 * Owners register from CSV, one row per ownership share:
 * building_id,building_address,city,flat_code,staircase,number,verification_code,owner_id,first_name,surname,role
 */
export function ownersFromCsv(text: string): OwnersRegister {
  const register: OwnersRegister = { buildings: [], flats: [], owners: [], shares: [] };
  const seen = { buildings: new Set<string>(), flats: new Set<string>(), owners: new Set<string>() };
  for (const r of csvRecords(text)) {
    if (r.building_id && !seen.buildings.has(r.building_id)) {
      seen.buildings.add(r.building_id);
      register.buildings.push({ id: r.building_id, address: r.building_address, city: r.city });
    }
    if (r.flat_code && !seen.flats.has(r.flat_code)) {
      seen.flats.add(r.flat_code);
      register.flats.push({
        code: r.flat_code,
        buildingId: r.building_id,
        staircase: r.staircase,
        number: r.number,
        ...(r.verification_code ? { verificationCode: r.verification_code } : {}),
      });
    }
    if (r.owner_id && !seen.owners.has(r.owner_id)) {
      seen.owners.add(r.owner_id);
      register.owners.push({ id: r.owner_id, firstName: r.first_name, surname: r.surname });
    }
    if (r.flat_code && r.owner_id) {
      register.shares.push({
        flatCode: r.flat_code,
        ownerId: r.owner_id,
        role: (r.role || "owner") as "owner" | "co_owner",
      });
    }
  }
  return register;
}

export async function pushOwners(client: OfficeClient, register: OwnersRegister) {
  return client.json<{
    accepted: Record<string, number>;
    rejected: Array<{ section: string; index: number; reason: string }>;
    deactivated: { owners: number; shares: number };
  }>("PUT", "owners", register);
}

/**
 * Reads a folder of letters: each `*.json` is one item (or an array of items); a PDF named like
 * the item id (`<id>.pdf`, `<id>-*.pdf`) or listed in `attachments: ["file.pdf"]` is attached.
 */
export function itemsFromFolder(folder: string): CorrespondenceItem[] {
  const files = readdirSync(folder).sort();
  const pdfs = files.filter((f) => extname(f).toLowerCase() === ".pdf");
  const items: CorrespondenceItem[] = [];
  for (const file of files.filter((f) => extname(f).toLowerCase() === ".json" && f !== "answers.json")) {
    const parsed = JSON.parse(readFileSync(join(folder, file), "utf8"));
    for (const raw of Array.isArray(parsed) ? parsed : [parsed]) {
      const listed: unknown[] = Array.isArray(raw.attachments) ? raw.attachments : [];
      const named = listed.filter((a): a is string => typeof a === "string");
      const matching = pdfs.filter((p) => basename(p, extname(p)) === raw.id || p.startsWith(`${raw.id}-`));
      const attachments = [...new Set([...named, ...matching])].map((name) => ({
        filename: basename(name),
        content_base64: readFileSync(join(folder, name)).toString("base64"),
      }));
      items.push({
        ...raw,
        attachments: [...listed.filter((a) => typeof a === "object"), ...attachments],
      } as CorrespondenceItem);
    }
  }
  return items;
}

export interface SendSummary {
  answers: ItemAnswer[];
  byChannel: Record<string, number>;
  rejected: number;
  repeated: number;
}

export async function sendCorrespondence(
  client: OfficeClient,
  items: CorrespondenceItem[],
  options: { batchSize?: number; progress?: Progress } = {},
): Promise<SendSummary> {
  const size = options.batchSize ?? 500;
  const progress = options.progress ?? silentProgress;
  const answers: ItemAnswer[] = [];
  let repeated = 0;
  for (let i = 0; i < items.length; i += size) {
    const batch = await client.json<BatchAnswer>("POST", "correspondence", { items: items.slice(i, i + size) });
    answers.push(...batch.items);
    repeated += batch.repeated.length;
    progress.update(Math.min(items.length, i + size), items.length);
  }
  const byChannel: Record<string, number> = {};
  let rejected = 0;
  for (const a of answers) {
    if (a.status === "rejected") rejected++;
    else for (const c of a.channels) byChannel[c] = (byChannel[c] ?? 0) + 1;
  }
  progress.finish(`${answers.length} items, ${rejected} rejected, ${repeated} already known`);
  return { answers, byChannel, rejected, repeated };
}

interface EventsPage {
  events: ConsentEvent[];
  next_cursor: number;
  head_seq: number;
  has_more: boolean;
}

/** Pulls events after the copy's head into the local copy; verifies the whole chain at the end. */
export async function pullEvents(
  client: OfficeClient,
  copy: Db,
  options: { pageSize?: number; progress?: Progress } = {},
) {
  const progress = options.progress ?? silentProgress;
  const limit = options.pageSize ?? 5000;
  let pulled = 0;
  // The next page is asked for while this one is applied (see OfficeClient.pages).
  for await (const page of client.pages<EventsPage>(
    (after) => `register/events?after=${after}&limit=${limit}`,
    copyHead(copy).seq,
  )) {
    if (page.events.length > 0) {
      const result = applyEvents(copy, page.events);
      if (result.problem)
        throw new Error(
          `the gateway's event ${result.problem.seq} does not fit the local copy: ${result.problem.kind}`,
        );
      pulled += result.applied;
    }
    progress.update(page.next_cursor, page.head_seq);
    if (!page.has_more || page.events.length === 0) break;
  }
  const chain = verifyCopy(copy);
  progress.finish(
    `${pulled} new events; chain ${chain.ok ? `verified up to ${chain.headSeq}` : `BROKEN at ${chain.firstBadSeq}`}`,
  );
  return { pulled, chain };
}

/** Pulls delivery changes into the local copy (cursor `pull:deliveries`). */
export async function pullDeliveries(client: OfficeClient, copy: Db, options: { progress?: Progress } = {}) {
  const progress = options.progress ?? silentProgress;
  const changes: DeliveryChange[] = [];
  for (;;) {
    const after = readCursor(copy, "pull:deliveries");
    const page = await client.json<{ changes: DeliveryChange[]; next_cursor: number; has_more: boolean }>(
      "GET",
      `deliveries?after=${after}&limit=5000`,
    );
    applyDeliveries(copy, page.changes);
    changes.push(...page.changes);
    writeCursor(copy, "pull:deliveries", page.next_cursor, new Date().toISOString());
    progress.update(changes.length, changes.length + (page.has_more ? 5000 : 0));
    if (!page.has_more) break;
  }
  progress.finish(`${changes.length} delivery changes`);
  return changes;
}

export async function paperList(client: OfficeClient, date?: string): Promise<{ date: string; items: PaperItem[] }> {
  return client.json("GET", `paper${date ? `?date=${date}` : ""}`);
}

export async function paperCsv(client: OfficeClient, date?: string): Promise<string> {
  const res = await client.raw("GET", `paper${date ? `?date=${date}` : ""}`, undefined, { accept: "text/csv" });
  if (res.status !== 200) throw new Error(`paper list: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  return res.text;
}

export function formatPaperList(list: { date: string; items: PaperItem[] }): string {
  const lines = [`Lista do wysyłki pocztą – ${list.date} (${list.items.length})`];
  for (const i of list.items) {
    lines.push(
      `${i.correspondence_id.padEnd(20)} ${i.address.padEnd(40)} ${i.subject.slice(0, 40).padEnd(40)} ${i.reason}`,
    );
    // A rejection notice: the clerk writes the office's own reason into the letter.
    if (i.rejection_reason) lines.push(`${"".padEnd(20)} powód odmowy: ${i.rejection_reason}`);
  }
  return lines.join("\n");
}

export function folderExists(path: string): boolean {
  return existsSync(path);
}
