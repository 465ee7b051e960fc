/**
 * The push side of the OpenAPI 3.1 document: one `webhooks` entry per stream, generated from
 * the zod schemas in pushContract.ts (the ones push.ts builds bodies and checks answers with),
 * with the status codes and what the gateway does after each, the signature with its exact
 * signed string, retries, ordering and idempotency. `x-path` is the request path after office.url;
 * `x-push` holds the same rules in machine-readable form.
 */
import * as z from "zod";
import type { Config } from "../config.ts";
import { EVENT_PROBLEMS, PUSH_SIGNATURE, PUSH_STREAMS, type PushStreamName } from "./pushContract.ts";

/** JSON Schema 2020-12 of a zod schema, as OpenAPI 3.1 embeds it (unknown fields allowed: forward compatible). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  return rest;
}

const jsonBody = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema: jsonSchema(schema) } },
});

const SIGNED_STRING = PUSH_SIGNATURE.lines.join("\\n");

const header = (name: string, description: string, pattern?: string) => ({
  name,
  in: "header",
  required: true,
  description,
  schema: { type: "string", ...(pattern ? { pattern } : {}) },
});

const SIGNATURE_HEADERS = [
  header(PUSH_SIGNATURE.headers.key, "The key id office.keyId (the office gave it to this kiosk)"),
  header(PUSH_SIGNATURE.headers.timestamp, "Unix seconds, the gateway's NTP-synchronised clock", "^\\d{1,12}$"),
  header(PUSH_SIGNATURE.headers.nonce, "Unique per request (32 hex digits); a retry has a new one"),
  header(
    PUSH_SIGNATURE.headers.signature,
    `lowercase hex HMAC-SHA256(office.secret, ${SIGNED_STRING})`,
    "^[0-9a-f]{64}$",
  ),
  header(PUSH_SIGNATURE.headers.kioskId, "The sending kiosk (config kioskId); signed as the last line"),
];

const FAILURES = {
  "401": {
    description:
      "Signature refused (body as the office API's AuthError). The gateway backs off and retries the same batch; /healthz office_sync says down, reasonCode `refused`.",
  },
  "4XX": {
    description:
      "Any other 4xx (404 wrong path, 413 too large, …): backoff, retry the same batch, /healthz down with reasonCode `refused`.",
  },
  "5XX": {
    description:
      "Backoff and retry the same batch forever; degraded, down after 5 failures in a row (reasonCode `office_error`). No connection or no answer within office.pushTimeoutMs: the same with reasonCode `unreachable`.",
  },
};

const BAD_ANSWER =
  "An answer that does not match the schema (a missing head_seq, not JSON, a 204 where none is allowed) is a failure, never a cursor: backoff, /healthz down at once with reasonCode `bad_answer`.";

function operation(stream: PushStreamName, summary: string, description: string, responses: object) {
  const spec = PUSH_STREAMS[stream];
  return {
    post: {
      operationId: `push_${stream}`,
      summary,
      description: `POST <office.url>/${spec.path}. ${description}`,
      "x-path": `/${spec.path}`,
      parameters: SIGNATURE_HEADERS,
      security: [{ pushSignature: [] }],
      requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } },
      responses: { ...responses, ...FAILURES },
    },
  };
}

export function pushWebhooks(config: Config) {
  const { pushBatchSize, pushBackoffBaseMs, pushBackoffMaxMs, pushIntervalMs, pushHeadCheckMs, pushTimeoutMs } =
    config.office;
  const webhooks = {
    "kiosk-keys": operation(
      "kioskKeys",
      "The kiosk's public keys, to verify its signed slips",
      "The whole JWK set, sent at every gateway start, whenever it changes, and again after any stream saw the office lose data. Idempotent: store the set (replace the previous one for this X-Kiosk-Id).",
      {
        "200": jsonBody(
          PUSH_STREAMS.kioskKeys.answer,
          `Stored. The gateway records the set as delivered. ${BAD_ANSWER}`,
        ),
        "204": { description: "Stored (no body). The same as 200." },
      },
    ),
    "register/events": operation(
      "registerEvents",
      "Consent register events, in order, with their hash chain",
      `Batches of up to ${pushBatchSize} events starting right after the office's last known head. Apply them in seq order; an event you already hold with the same hash is a duplicate (a resend after a lost answer): skip it. An empty batch asks for your head: answer it like any other (every ${pushHeadCheckMs} ms while idle, and once at start).`,
      {
        "200": jsonBody(
          PUSH_STREAMS.registerEvents.answer,
          `Applied (or duplicates). The gateway moves its cursor to min(head_seq, last seq sent) and sends the next batch at once. head_seq behind the cursor means the office lost data: the gateway rewinds to head_seq and refills from there at once, and resends deliveries and the key set too. head_hash must equal the kiosk's hash of event head_seq and head_seq must not pass the kiosk's head, otherwise reasonCode \`conflict\` (down, backoff). head_seq not past the cursor while events were sent: \`bad_answer\`. ${BAD_ANSWER}`,
        ),
        "409": jsonBody(
          PUSH_STREAMS.registerEvents.answer,
          [
            "Applying stopped at problem.seq; head_seq and head_hash say how far the office got (events before the problem stay applied, the gateway keeps that progress).",
            `problem.kind, one of ${EVENT_PROBLEMS.join(", ")}:`,
            "`gap`: the batch starts after head_seq + 1 (the office lost data or missed a batch): the gateway rewinds to head_seq and resends at once, no backoff.",
            "`hash_conflict`: the office holds event problem.seq with another hash;",
            "`bad_hash`: the event's hash does not match its content;",
            "`bad_link`: its prevHash is not the office's head_hash.",
            "The last three mean the two copies diverged (a kiosk restored from an old backup, two kiosks under one key): the gateway does not skip anything, backs off, retries the same batch forever and reports reasonCode `conflict` (down) until a person resolves it.",
            "A 409 without `problem` is a `bad_answer`.",
          ].join(" "),
        ),
      },
    ),
    deliveries: operation(
      "deliveries",
      "Delivery status changes of the correspondence",
      `Batches of up to ${pushBatchSize} changes in seq order. Store them by seq; a repeat is a duplicate. An empty batch asks for your head (every ${pushHeadCheckMs} ms while idle).`,
      {
        "200": jsonBody(
          PUSH_STREAMS.deliveries.answer,
          `Stored. The gateway moves its cursor to min(head_seq, last seq sent); head_seq behind the cursor means the office lost data: the gateway refills from head_seq at once (and resends the key set). ${BAD_ANSWER}`,
        ),
        "204": {
          description:
            "Stored everything (no body): the cursor moves to the batch's last seq. An office that answers 204 cannot ask for a refill; answer 200 with head_seq for that.",
        },
      },
    ),
  };
  const pushSignature = {
    type: "apiKey",
    in: "header",
    name: PUSH_SIGNATURE.headers.signature,
    description: [
      `Requests from the gateway to the office (webhooks): lowercase hex ${PUSH_SIGNATURE.algorithm} with office.secret over the lines`,
      `${SIGNED_STRING} (joined with \\n, no trailing newline).`,
      ...PUSH_SIGNATURE.lines.map((line) => `${line}: ${PUSH_SIGNATURE.lineMeaning[line]}.`),
      `The office should refuse a timestamp more than ${PUSH_SIGNATURE.windowSeconds} s from its clock and a nonce it saw within that window, answering 401.`,
      "The office does not sign its answers and the gateway does not check a signature on them: use an https office.url so that nobody on the way can forge an answer.",
    ].join(" "),
  };
  const rules = {
    signature: { ...PUSH_SIGNATURE, stringToSign: SIGNED_STRING },
    retries: `Forever, with exponential backoff and full jitter from ${pushBackoffBaseMs} ms up to ${pushBackoffMaxMs} ms, each stream on its own; the same batch again with a new nonce and timestamp. Timeout ${pushTimeoutMs} ms. Idle streams poll every ${pushIntervalMs} ms.`,
    ordering:
      "Within a stream strictly in seq order, one request at a time. The three streams run independently: no order between them, and one failing never holds back the others.",
    idempotency:
      "Every request may arrive again (a lost answer): events are deduplicated by seq and hash, deliveries by seq, the key set is replaced whole.",
  };
  return { webhooks, securitySchemes: { pushSignature }, rules };
}
