/**
 * How the office contract names its parts: every schema the document shows by name is made with
 * `named`, every route is an `OfficeOperation`. The OpenAPI document (`openapi.ts`) is generated
 * from these (and the push streams' webhooks, generated from their own schemas in pushWebhooks.ts).
 */
import type * as z from "zod";

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for an answer without one. */
  json?: z.ZodType;
  /** Another media type with a plain string body (e.g. `text/csv`). */
  text?: string;
}

export interface OfficeOperation {
  method: HttpMethod;
  summary: string;
  description?: string;
  /** Query parameters (an object schema: one parameter per property). */
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** The OpenAPI path under the server URL, `{name}` for a path parameter. */
  path: string;
  /** Path parameters (an object schema: one parameter per property). */
  params?: z.ZodObject;
  /** false: served without the HMAC signature (only the document itself). */
  signed?: boolean;
}

const NAMED = new Map<z.ZodType, string>();

/** A schema the document lists under `components.schemas` and refers to by `$ref`. */
export function named<T extends z.ZodType>(id: string, schema: T): T {
  for (const [other, otherId] of NAMED) {
    if (otherId === id && other !== schema) throw new Error(`two office schemas are named ${id}`);
  }
  NAMED.set(schema, id);
  return schema;
}

export function namedSchemas(): ReadonlyMap<z.ZodType, string> {
  return NAMED;
}
