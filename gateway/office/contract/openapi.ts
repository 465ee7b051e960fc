/**
 * An OpenAPI 3.1 document generated from zod schemas (zod 4's JSON Schema output, draft 2020-12,
 * which is OpenAPI 3.1's dialect). Requests are documented as their input (defaults optional,
 * coerced query strings), answers as their output (what the gateway writes, no extra fields).
 * A named schema used on both sides whose two forms differ appears twice: `X` (answers) and
 * `XInput` (requests).
 */
import * as z from "zod";
import { namedSchemas, type OfficeOperation, type ResponseSpec } from "./operation.ts";

type Json = Record<string, unknown>;

export interface DocumentSpec {
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description?: string }>;
  operations: OfficeOperation[];
  /** OpenAPI `webhooks`, already generated (the push streams: gateway/office/pushWebhooks.ts). */
  webhooks?: Record<string, unknown>;
  /** Top-level `x-…` extensions. */
  extensions?: Record<`x-${string}`, unknown>;
  securitySchemes: Record<string, unknown>;
  /** The schemes every signed operation requires (all of them together). */
  security: string[];
  /** Responses added to every operation (e.g. the signature refusal), before its own. */
  commonResponses?: (op: OfficeOperation) => Record<number, ResponseSpec>;
  /** Extra named schemas documented even if no operation uses them (e.g. a list of codes). */
  extraSchemas?: z.ZodType[];
}

const INPUT_MARK = "@input";

/** Converts every schema the document needs in one pass per side, so `$ref`s stay shared. */
class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly inline = new Map<z.ZodType, string>();
  private counter = 0;

  constructor() {
    for (const [schema, id] of namedSchemas()) this.registry.add(schema, { id });
  }

  /** A placeholder for `schema` on one side, resolved by `finish`. */
  use(schema: z.ZodType, side: "input" | "output"): Json {
    const id = namedSchemas().get(schema) ?? this.inlineId(schema);
    return { $placeholder: id, side };
  }

  private inlineId(schema: z.ZodType): string {
    let id = this.inline.get(schema);
    if (!id) {
      id = `__inline${this.counter++}`;
      this.inline.set(schema, id);
      this.registry.add(schema, { id });
    }
    return id;
  }

  /** Replaces the placeholders in `doc` and returns the components' schemas. */
  finish(doc: Json): Record<string, Json> {
    const convert = (io: "input" | "output") =>
      z.toJSONSchema(this.registry, {
        io,
        uri: (id) => `#/components/schemas/${id}${io === "input" ? INPUT_MARK : ""}`,
        unrepresentable: "throw",
      }).schemas as Record<string, Json>;
    const output = strip(convert("output"));
    const input = strip(convert("input"));

    // Which named schemas each side reaches, from the operations through the $refs.
    const reached = { input: new Set<string>(), output: new Set<string>() };
    const visit = (node: unknown) =>
      walk(node, (ref) => {
        const side = ref.endsWith(INPUT_MARK) ? "input" : "output";
        const id = ref.slice("#/components/schemas/".length).replace(INPUT_MARK, "");
        if (id.startsWith("__inline")) throw new Error("a schema used inline is also inside a named one: name it");
        if (reached[side].has(id)) return;
        reached[side].add(id);
        visit((side === "input" ? input : output)[id]);
      });
    const placeholders: Array<{ holder: Json; id: string; side: "input" | "output" }> = [];
    walkObjects(doc, (holder) => {
      if (typeof holder.$placeholder !== "string") return;
      const side = holder.side as "input" | "output";
      const id = holder.$placeholder;
      placeholders.push({ holder, id, side });
      if (id.startsWith("__inline")) visit((side === "input" ? input : output)[id]);
      else visit({ $ref: `#/components/schemas/${id}${side === "input" ? INPUT_MARK : ""}` });
    });

    // A schema's two forms differ when its own text does or when a schema it refers to differs.
    const memo = new Map<string, boolean>();
    const differs = (id: string): boolean => {
      let found = memo.get(id);
      if (found !== undefined) return found;
      found = JSON.stringify(unmark(input[id])) !== JSON.stringify(output[id]);
      walk(input[id], (ref) => {
        found ||= differs(ref.slice("#/components/schemas/".length).replace(INPUT_MARK, ""));
      });
      memo.set(id, found);
      return found;
    };
    const inputName = (id: string) => (reached.output.has(id) && differs(id) ? `${id}Input` : id);
    const rename = (node: unknown): Json =>
      JSON.parse(
        JSON.stringify(node).replace(/"#\/components\/schemas\/([^"@]+)@input"/g, (_, id: string) =>
          JSON.stringify(`#/components/schemas/${inputName(id)}`),
        ),
      );

    for (const { holder, id, side } of placeholders) {
      delete holder.$placeholder;
      delete holder.side;
      if (id.startsWith("__inline")) Object.assign(holder, rename(side === "input" ? input[id] : output[id]));
      else holder.$ref = `#/components/schemas/${side === "input" ? inputName(id) : id}`;
    }

    const components: Record<string, Json> = {};
    for (const id of [...reached.output].sort()) components[id] = output[id];
    for (const id of [...reached.input].sort()) components[inputName(id)] = rename(input[id]);
    return Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function strip(schemas: Record<string, Json>): Record<string, Json> {
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  return schemas;
}

function unmark(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node ?? null).replaceAll(INPUT_MARK, ""));
}

function walk(node: unknown, onRef: (ref: string) => void) {
  if (Array.isArray(node)) for (const n of node) walk(n, onRef);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") onRef(v);
      else walk(v, onRef);
    }
  }
}

function walkObjects(node: unknown, visit: (o: Json) => void) {
  if (Array.isArray(node)) for (const n of node) walkObjects(n, visit);
  else if (node && typeof node === "object") {
    visit(node as Json);
    for (const v of Object.values(node)) walkObjects(v, visit);
  }
}

function parameters(set: SchemaSet, schema: z.ZodObject | undefined, where: "query" | "path"): Json[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const optional = (field as z.ZodType).safeParse(undefined).success;
    const description = (field as z.ZodType).description;
    return {
      name,
      in: where,
      required: where === "path" || !optional,
      ...(description ? { description } : {}),
      schema: set.use(field as z.ZodType, "input"),
    };
  });
}

function responses(set: SchemaSet, specs: Record<number, ResponseSpec>): Json {
  const out: Json = {};
  for (const [status, spec] of Object.entries(specs)) {
    const content: Json = {};
    if (spec.json) content["application/json"] = { schema: set.use(spec.json, "output") };
    if (spec.text) content[spec.text] = { schema: { type: "string" } };
    out[status] = { description: spec.description, ...(Object.keys(content).length ? { content } : {}) };
  }
  return out;
}

function operationObject(set: SchemaSet, spec: DocumentSpec, op: OfficeOperation): Json {
  const own = op.responses;
  const common = spec.commonResponses?.(op) ?? {};
  const params = [...parameters(set, op.params, "path"), ...parameters(set, op.query, "query")];
  return {
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: set.use(op.body, "input") } } } }
      : {}),
    responses: responses(set, { ...common, ...own }),
    ...(op.signed === false ? { security: [] } : {}),
  };
}

export function openApiDocument(spec: DocumentSpec): Json {
  const set = new SchemaSet();
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of spec.operations) {
    paths[op.path] ??= {};
    if (paths[op.path][op.method]) throw new Error(`${op.method} ${op.path} is documented twice`);
    paths[op.path][op.method] = operationObject(set, spec, op);
  }
  const extras = (spec.extraSchemas ?? []).map((s) => set.use(s, "output"));
  const doc: Json = {
    openapi: "3.1.0",
    info: spec.info,
    servers: spec.servers,
    security: [Object.fromEntries(spec.security.map((name) => [name, []]))],
    paths,
    ...(spec.webhooks ? { webhooks: spec.webhooks } : {}),
    ...spec.extensions,
    components: { securitySchemes: spec.securitySchemes, schemas: {} },
    extras,
  };
  const schemas = set.finish(doc);
  delete doc.extras;
  (doc.components as Json).schemas = schemas;
  return doc;
}
