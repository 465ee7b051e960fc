/** The kiosk's API: configuration, flat directory, identification, enrolment, withdrawal, status. */
import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../context.ts";
import type { CategoryChannels } from "../domain/categories.ts";
import { channelTexts } from "../domain/channelSentences.ts";
import { consentTexts } from "../domain/consentText.ts";
import { enrol } from "../services/enrol.ts";
import { flatDirectory, flatLabel } from "../services/flatDirectory.ts";
import { identifyOwner, identifyWaitKeys } from "../services/identifyOwner.ts";
import { serviceState } from "../services/serviceState.ts";
import { statusView } from "../services/statusView.ts";
import { withdraw } from "../services/withdraw.ts";
import { clientAddress } from "./clientAddress.ts";
import { refuseEarly } from "./earlyRefusal.ts";
import { validate } from "./validate.ts";

const channel = z.enum(["email", "sms"]);
const language = z.enum(["pl", "en", "uk"]).default("pl");
const session = z.string().min(16).max(100);
const idempotencyKey = z.string().min(8).max(100);

/** The 429 identifyOwner throws for a client (or all clients) that must wait. */
const WAIT = { code: "IDENTIFY_COOLDOWN", message: "too many failed attempts: wait a moment" };

const identifyBody = z.object({
  flatCode: z.string().min(1).max(40),
  surname: z.string().trim().min(1).max(120),
  ownerCode: z.string().regex(/^\d{4,12}$/, "digits only"),
});

const enrolBody = z.object({
  session,
  idempotencyKey,
  email: z.string().max(320).optional(),
  mobile: z.string().max(40).optional(),
  channels: z.array(channel).min(1).max(2),
  consents: z.object({ processing: z.boolean(), email: z.boolean(), sms: z.boolean() }),
  consentVersion: z.string().min(1).max(40),
  verifications: z.object({ email: z.string().optional(), sms: z.string().optional() }).default({}),
  unverified: z.array(channel).default([]),
  keep: z.array(channel).default([]),
  language,
});

const withdrawBody = z.object({
  session,
  idempotencyKey,
  channels: z.union([z.literal("all"), z.array(channel).min(1).max(2)]),
  language,
});

export function kioskRoutes(ctx: GatewayContext) {
  const sessions = ctx.kioskSessions;
  const { config } = ctx;
  return (
    new Hono()
      .get("/config", (c) =>
        c.json({
          kioskId: config.kioskId,
          cooperative: config.cooperative,
          languages: ["pl", "en", "uk"] as const,
          categoryChannels: config.rules.categoryChannels,
          graceDays: config.rules.graceDays,
          electronicStartDate: config.rules.electronicStartDate,
          paymentDemandsOnPaper: config.rules.paymentDemandsOnPaper,
          channelTexts: channelTexts({
            categoryChannels: config.rules.categoryChannels as CategoryChannels,
            paymentDemandsOnPaper: config.rules.paymentDemandsOnPaper,
          }),
          consent: { version: config.consent.version, texts: consentTexts(config.cooperative) },
          idle: { warnSeconds: config.kiosk.idleWarnSeconds, wipeSeconds: config.kiosk.idleWipeSeconds },
          ownerCodeLength: 6,
        }),
      )
      // The kiosk's out-of-service screen asks this until writes can succeed again.
      .get("/service", (c) => c.json(serviceState(ctx)))
      .get("/directory", (c) => c.json(flatDirectory(ctx.db)))
      .post("/identify", refuseEarly(ctx, identifyWaitKeys, WAIT), validate("json", identifyBody), async (c) => {
        const owner = await identifyOwner(ctx, { ...c.req.valid("json"), client: clientAddress(c) });
        const token = sessions.open(owner.flatCode, owner.ownerId);
        const state = ctx.register.stateOf(owner.flatCode);
        return c.json({
          session: token,
          owner: { firstName: owner.firstName, surname: owner.surname },
          flat: { code: owner.flatCode, label: flatLabel(ctx.db, owner.flatCode) },
          status: statusView(state, owner.ownerId),
        });
      })
      .get("/status", validate("query", z.object({ session })), (c) => {
        const s = sessions.require(c.req.valid("query").session);
        return c.json({ status: statusView(ctx.register.stateOf(s.flatCode), s.ownerId) });
      })
      .post("/enrolments", validate("json", enrolBody), (c) => {
        const body = c.req.valid("json");
        const s = sessions.require(body.session);
        const result = enrol(ctx, { ...body, sessionKey: s.key, flatCode: s.flatCode, ownerId: s.ownerId });
        return c.json(result, 201);
      })
      .post("/withdrawals", validate("json", withdrawBody), (c) => {
        const body = c.req.valid("json");
        const s = sessions.require(body.session);
        return c.json(withdraw(ctx, { ...body, flatCode: s.flatCode, ownerId: s.ownerId }), 201);
      })
      .post("/session/end", validate("json", z.object({ session })), (c) => {
        sessions.end(c.req.valid("json").session);
        return c.body(null, 204);
      })
  );
}
