import { Hono } from "hono";
import * as z from "zod";
import { checkEmail, checkMobile } from "../domain/contacts.ts";
import { validate } from "./validate.ts";

export const contactCheck = z
  .object({ email: z.string().max(320).optional(), mobile: z.string().max(40).optional() })
  .refine((b) => b.email !== undefined || b.mobile !== undefined, "give email, mobile or both");

/** Syntax, normalisation and "did you mean" suggestions: the kiosk's and the console's live check. */
export function checkContacts(body: z.infer<typeof contactCheck>) {
  const out: {
    email?: { valid: boolean; normalized: string; suggestion?: string; reason?: string };
    mobile?: { valid: boolean; e164?: string; reason?: string };
  } = {};
  if (body.email !== undefined) out.email = checkEmail(body.email);
  if (body.mobile !== undefined) out.mobile = checkMobile(body.mobile);
  return out;
}

/** Live validation for the kiosk. */
export const contactsRoutes = new Hono().post("/check", validate("json", contactCheck), (c) =>
  c.json(checkContacts(c.req.valid("json"))),
);
