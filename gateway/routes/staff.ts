/**
 * The staff console: the page at `/office/` (built by Vite from kiosk-ui/staff/) and its JSON API
 * under `/office/api`, behind a staff login.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import * as z from "zod";
import type { GatewayContext } from "../context.ts";
import { describeEvent, describePaperReason } from "../domain/staffWording.ts";
import { KioskError } from "../errors.ts";
import { deliveryFailures } from "../services/deliveryFailures.ts";
import { flatHistory } from "../services/flatHistory.ts";
import { flatLock, unlockFlat } from "../services/flatLock.ts";
import { listBounces, markBounceReviewed } from "../services/listBounces.ts";
import { listOfficeAlerts } from "../services/listOfficeAlerts.ts";
import { paperCsv, paperList } from "../services/paperList.ts";
import { recordPaperForm } from "../services/recordPaperForm.ts";
import { rejectEnrolment } from "../services/rejectEnrolment.ts";
import { searchRegister } from "../services/searchRegister.ts";
import { staffClientKey, staffLogin, staffLogout } from "../services/staffLogin.ts";
import { staffStats } from "../services/staffStats.ts";
import { STAFF_COOKIE, type StaffEnv, sameOrigin, staffAuth } from "../staff/auth.ts";
import { clientAddress } from "./clientAddress.ts";
import { checkContacts, contactCheck } from "./contacts.ts";
import { refuseEarly } from "./earlyRefusal.ts";
import { localDate } from "./office/paper.ts";
import { validate } from "./validate.ts";

/** The login's 429, as staffLogin throws it. */
const WAIT = { code: "TOO_MANY_ATTEMPTS", message: "too many wrong passwords: wait before trying again" };

const login = z.object({ username: z.string().min(1).max(60), password: z.string().min(1).max(200) });
const dateQuery = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

const paperForm = z.object({
  flat: z.string().trim().min(1).max(40),
  owner: z.string().trim().min(1).max(160),
  email: z.string().max(320).optional(),
  mobile: z.string().max(40).optional(),
  channels: z
    .array(z.enum(["email", "sms"]))
    .min(1)
    .max(2),
  formDate: z.string().min(8).max(10),
  formReference: z.string().trim().min(1).max(60),
});

/** The console's JSON API (mounted at `/office/api`); its type feeds the console's typed `hc` client. */
export function staffApiRoutes(ctx: GatewayContext) {
  return new Hono<StaffEnv>()
    .post(
      "/login",
      refuseEarly(ctx, (client) => [staffClientKey(client)], WAIT),
      validate("json", login),
      async (c) => {
        if (!sameOrigin(c.req.url, c.req.header("origin"), c.req.header("host"))) {
          return c.json({ error: { code: "CSRF", message: "cross-site login refused" } }, 403);
        }
        const session = await staffLogin(ctx, {
          ...c.req.valid("json"),
          client: clientAddress(c),
          deviceCookie: (name) => getCookie(c, name),
        });
        setCookie(c, STAFF_COOKIE, session.token, {
          httpOnly: true,
          secure: true,
          sameSite: "Strict",
          path: "/office",
          expires: new Date(session.expiresAt),
        });
        // Only the login reads it: a browser that signed in here before is not a stranger's device.
        setCookie(c, session.device.name, session.device.value, {
          httpOnly: true,
          secure: true,
          sameSite: "Strict",
          path: "/office/api/login",
          maxAge: session.device.maxAgeSeconds,
        });
        return c.json({ user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
      },
    )
    .use("*", staffAuth(ctx))
    .get("/me", (c) => {
      const { token: _token, csrfToken, ...user } = c.var.staff;
      return c.json({ user, csrfToken });
    })
    .post("/logout", (c) => {
      staffLogout(ctx, c.var.staff.token);
      deleteCookie(c, STAFF_COOKIE, { path: "/office", secure: true, httpOnly: true, sameSite: "Strict" });
      return c.json({ ok: true });
    })
    .get("/register", validate("query", z.object({ q: z.string().max(80).optional() })), (c) =>
      c.json({ rows: searchRegister(ctx, { q: c.req.valid("query").q, reveal: true }) }),
    )
    .get("/flats/:flat/history", (c) => {
      const flat = c.req.param("flat");
      const history = flatHistory(ctx, flat);
      const events = history.events.map((e) => ({ ...e, description: describeEvent(e) }));
      return c.json({ ...history, events, lock: flatLock(ctx, flat) });
    })
    .post("/contacts/check", validate("json", contactCheck), (c) => c.json(checkContacts(c.req.valid("json"))))
    .post("/paper-forms", validate("json", paperForm), (c) => {
      const staff = c.var.staff;
      const result = recordPaperForm(ctx, {
        ...c.req.valid("json"),
        enteredBy: `${staff.displayName} (${staff.username})`,
      });
      ctx.logger.info(
        { staff: staff.username, flat: c.req.valid("json").flat, seq: result.eventSeq, repeated: result.repeated },
        "paper form entered from the console",
      );
      return c.json(result, result.repeated ? 200 : 201);
    })
    .post("/flats/:flat/unlock", (c) =>
      c.json({ lock: unlockFlat(ctx, { flat: c.req.param("flat"), by: c.var.staff.username }) }),
    )
    .get("/paper", validate("query", dateQuery), (c) => {
      const date = c.req.valid("query").date ?? localDate(ctx.clock.now(), ctx.config.timezone);
      const items = paperList(ctx, { date }).map((item) => ({
        ...item,
        reason_text: describePaperReason(item.reason),
      }));
      return c.json({ date, items });
    })
    .get("/paper.csv", validate("query", dateQuery), (c) => {
      const date = c.req.valid("query").date ?? localDate(ctx.clock.now(), ctx.config.timezone);
      return c.body(`\uFEFF${paperCsv(paperList(ctx, { date }))}`, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="poczta-${date}.csv"`,
      });
    })
    .get("/failures", (c) => c.json({ failures: deliveryFailures(ctx) }))
    .get(
      "/bounces",
      validate(
        "query",
        z.object({ kind: z.enum(["permanent", "temporary", "mailbox_full", "delivered", "unclassified"]).optional() }),
      ),
      (c) => c.json({ bounces: listBounces(ctx, { kind: c.req.valid("query").kind }) }),
    )
    .post("/bounces/:id/reviewed", (c) => {
      const row = markBounceReviewed(ctx, { id: c.req.param("id"), by: c.var.staff.username });
      ctx.logger.info({ staff: c.var.staff.username, bounce: row.id }, "unclassified bounce reviewed");
      return c.json({ ok: true });
    })
    .get("/alerts", (c) => c.json({ alerts: listOfficeAlerts(ctx) }))
    .get("/devices", async (c) => {
      const report = await ctx.health.report();
      return c.json({ status: report.status, parts: report.parts, time: ctx.clock.now().toISOString() });
    })
    .get("/stats", validate("query", z.object({ days: z.coerce.number().int().min(7).max(365).default(60) })), (c) =>
      c.json({ days: staffStats(ctx, { days: c.req.valid("query").days }) }),
    )
    .post(
      "/decisions",
      validate(
        "json",
        z.object({
          flat: z.string().min(1).max(40),
          seq: z.number().int().min(1),
          reason: z.string().trim().min(3).max(500),
        }),
      ),
      (c) => {
        const body = c.req.valid("json");
        const result = rejectEnrolment(ctx, body);
        ctx.logger.info(
          { staff: c.var.staff.username, flat: body.flat, seq: body.seq },
          "enrolment rejected from the console",
        );
        return c.json(result, result.repeated ? 200 : 201);
      },
    );
}

export type StaffApi = ReturnType<typeof staffApiRoutes>;

export function staffRoutes(ctx: GatewayContext) {
  const page = async () => {
    try {
      return await readFile(join(ctx.uiDir, "staff", "index.html"));
    } catch {
      throw new KioskError("UNAVAILABLE", "the staff console is not built yet (npm run build)");
    }
  };
  // Mounted at the root: a sub-app mounted at /office cannot tell "/office" from "/office/".
  return new Hono()
    .route("/office/api", staffApiRoutes(ctx))
    .get("/office", (c) => c.redirect("/office/"))
    .get("/office/", async (c) =>
      c.body(new Uint8Array(await page()), 200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
      }),
    );
}
