import { Hono } from "hono";
import * as z from "zod";
import { measureSms } from "../domain/smsText.ts";
import { validate } from "./validate.ts";

export const smsRoutes = new Hono().post(
  "/preview",
  validate("json", z.object({ text: z.string().max(5000) })),
  (c) => {
    const { encoding, segments, characters } = measureSms(c.req.valid("json").text);
    return c.json({ encoding, segments, characters });
  },
);
