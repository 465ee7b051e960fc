/**
 * Staff type in a paper form that arrived at the office: checked with the kiosk's rules, written
 * as a `paper_form` register event by the logged-in staff member, and confirmed to the resident
 * (email, else SMS; the console also offers a printable confirmation).
 */
import type { GatewayContext } from "../context.ts";
import type { ElectronicChannel } from "../domain/categories.ts";
import { calendarDate, checkPaperForm } from "../domain/paperForm.ts";
import { KioskError } from "../errors.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { flatLabel } from "./flatDirectory.ts";
import { loadDirectory, resolveOwner } from "./importPaperRegister.ts";
import { noticeEnrolmentConfirmed, noticeRecipientReplaced } from "./notices.ts";
import { writePaperForm } from "./writePaperForm.ts";

export interface PaperFormInput {
  flat: string;
  /** The office's owner id, a surname or "first name surname" of an owner of the flat. */
  owner: string;
  email?: string;
  mobile?: string;
  channels: ElectronicChannel[];
  formDate: string;
  formReference: string;
  /** The logged-in staff member. */
  enteredBy: string;
}

export interface PaperFormResult {
  repeated: boolean;
  eventSeq: number;
  kind: "enrolled" | "contacts_updated" | "recipient_replaced" | null;
  flatLabel: string;
  electronicFrom: string | null;
  /** How the resident is told: by email, by SMS, or only on the printed confirmation. */
  confirmation: "email" | "sms" | "print";
  warnings: Array<{ field: "email"; suggestion: string }>;
}

export function recordPaperForm(ctx: GatewayContext, input: PaperFormInput): PaperFormResult {
  const directory = loadDirectory(ctx);
  if (!directory.flatCodes.has(input.flat)) throw new KioskError("NOT_FOUND", "unknown flat", { field: "flat" });
  const owner = resolveOwner(directory.shares.get(input.flat) ?? [], input.owner);
  if ("error" in owner) throw new KioskError("NOT_ELIGIBLE", owner.error, { field: "owner" });
  const check = checkPaperForm(
    { ...input, flatCode: input.flat, ownerId: owner.ownerId },
    calendarDate(ctx.clock.now(), ctx.config.timezone),
  );
  if (!check.ok) {
    const first = check.problems[0];
    throw new KioskError("CONTACT_INVALID", `${first.field}: ${first.reason}`, {
      field: first.field,
      problems: check.problems,
    });
  }
  const result = ctx.db.transaction((tx) => {
    const label = flatLabel(tx, input.flat);
    const write = writePaperForm(ctx, tx, check.form, "paper_form");
    const after = ctx.register.stateOf(input.flat, null, tx);
    const electronicFrom = after.channels.email.paperUntil ?? after.channels.sms.paperUntil;
    if (!write.written) {
      return { repeated: true, eventSeq: write.eventSeq, kind: null, flatLabel: label, electronicFrom } as const;
    }
    // Only a takeover that is still current tells the co-owner who loses the flat.
    if (write.kind === "recipient_replaced" && after.designatedRecipient === check.form.ownerId)
      noticeRecipientReplaced(tx, ctx, write.previous, label, write.event.seq);
    if (after.email) noticeEnrolmentConfirmed(tx, ctx, after, label, write.event.seq);
    else if (after.mobile)
      enqueueMessage(tx, ctx.clock, {
        id: `paper-form-${write.event.seq}-sms`,
        channel: "sms",
        kind: "notice",
        recipient: after.mobile,
        text: `${ctx.config.cooperative.shortName}: zapisalismy formularz ${check.form.formReference} dla lokalu ${label}. SMS-y zamiast listow od ${calendarDate(new Date(electronicFrom ?? ctx.clock.now()), ctx.config.timezone)}. Pytania: ${ctx.config.cooperative.officePhone}`,
        flatCode: input.flat,
      });
    return {
      repeated: false,
      eventSeq: write.event.seq,
      kind: write.kind as PaperFormResult["kind"],
      flatLabel: label,
      electronicFrom,
    };
  });
  ctx.outbox.poke();
  const after = ctx.register.stateOf(input.flat);
  const confirmation = result.repeated ? "print" : after.email ? "email" : after.mobile ? "sms" : "print";
  return { ...result, confirmation, warnings: check.warnings };
}
