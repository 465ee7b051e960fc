/** Hono's validator with zod, answering bad input with our JSON error shape. */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";

export function validate<T extends ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
  /** The office API spells its codes in lower case (see gateway/office/contract/errors.ts). */
  code: "BAD_REQUEST" | "bad_request" = "BAD_REQUEST",
) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue.path.join(".") || target;
      return c.json({ error: { code, message: `${field}: ${issue.message}`, field } }, 400);
    }
  });
}
