/** The shared validator, answering in the office API's spelling (`bad_request`). */
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { validate } from "../validate.ts";

export function officeValidate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return validate(target, schema, "bad_request");
}
