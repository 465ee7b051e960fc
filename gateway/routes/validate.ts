/** Hono's validator with zod, answering bad input with our JSON error shape. */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";

export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue.path.join(".") || target;
      return c.json({ error: { code: "BAD_REQUEST", message: `${field}: ${issue.message}`, field } }, 400);
    }
  });
}
