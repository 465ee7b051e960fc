/**
 * An SMS received by the modem. "STOP" / "NIE" / "REZYGNUJĘ" (any case, with or without
 * diacritics) from a registered number withdraws SMS consent for every flat using that number
 * (GDPR art. 7(3): as easy as giving it) and is answered with a confirmation; anything else is
 * kept for the office. Each message is handled once (its source id is the key).
 */

import { eq } from "drizzle-orm";
import { smsIncoming } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { checkMobile } from "../domain/contacts.ts";
import { isStopWord } from "../domain/smsText.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import type { ConsentRegister } from "./register.ts";

export interface IncomingSmsInput {
  key: string;
  from: string;
  text: string;
  receivedAt: string;
}

export interface IncomingSmsResult {
  action: "withdrawn" | "office";
  flatCodes: string[];
  replyId: string | null;
  /** The message had been handled before (nothing done again). */
  duplicate: boolean;
}

export type IncomingSmsDeps = CoreDeps & { register: ConsentRegister; poke?: () => void };

export function stopConfirmationText(shortName: string, flatCodes: string[]): string {
  const flats = flatCodes.length === 1 ? `lokalu ${flatCodes[0]}` : `lokali ${flatCodes.join(", ")}`;
  return `${shortName}: wycofano zgodę na SMS dla ${flats}. Nie wyślemy już SMS na ten numer. Zgodę można wyrazić ponownie w kiosku w siedzibie Spółdzielni.`;
}

export function handleIncomingSms(deps: IncomingSmsDeps, sms: IncomingSmsInput): IncomingSmsResult {
  const result = deps.db.transaction((tx) => {
    const seen = tx.select().from(smsIncoming).where(eq(smsIncoming.id, sms.key)).get();
    if (seen) {
      return {
        action: seen.action,
        flatCodes: JSON.parse(seen.flatCodes) as string[],
        replyId: seen.replyId,
        duplicate: true,
      } satisfies IncomingSmsResult;
    }
    const number = checkMobile(sms.from);
    const from = number.valid ? number.e164 : sms.from;
    const now = deps.clock.now().toISOString();
    let action: IncomingSmsResult["action"] = "office";
    let flatCodes: string[] = [];
    let replyId: string | null = null;
    if (number.valid && isStopWord(sms.text)) {
      const flats = [...deps.register.allStates().values()].filter(
        (s) => s.mobile === from && s.channels.sms.consented,
      );
      if (flats.length > 0) {
        for (const flat of flats) {
          deps.register.append(
            tx,
            { type: "withdrawn", payload: { channels: ["sms"], via: "sms" } },
            flat.flatCode,
            flat.designatedRecipient,
            now,
          );
        }
        action = "withdrawn";
        flatCodes = flats.map((f) => f.flatCode).sort();
        const shortName = deps.config.cooperative.shortName.replace(/["„”]/g, "");
        replyId = enqueueMessage(tx, deps.clock, {
          id: `sms-stop-${sms.key}`,
          channel: "sms",
          kind: "notice",
          recipient: from,
          text: stopConfirmationText(shortName, flatCodes),
        });
      }
    }
    tx.insert(smsIncoming)
      .values({
        id: sms.key,
        fromNumber: from,
        text: sms.text,
        receivedAt: sms.receivedAt,
        action,
        flatCodes: JSON.stringify(flatCodes),
        replyId,
        createdAt: now,
      })
      .run();
    return { action, flatCodes, replyId, duplicate: false } satisfies IncomingSmsResult;
  });
  if (!result.duplicate) {
    deps.logger.info(
      { from: sms.from, action: result.action, flats: result.flatCodes },
      result.action === "withdrawn" ? "SMS consent withdrawn by SMS" : "incoming SMS kept for the office",
    );
    if (result.replyId) deps.poke?.();
  }
  return result;
}
