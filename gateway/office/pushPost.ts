/**
 * One signed POST of the push sync and the check of its answer against the push contract.
 * Every outcome the contract does not call a success becomes a PushFailure with a reason code;
 * what comes back is an answer that matches the stream's schema (or null for an allowed 204).
 */
import type * as z from "zod";
import { PUSH_STREAMS, type PushStreamName } from "./pushContract.ts";
import { PushFailure } from "./pushStream.ts";
import { signRequest } from "./signing.ts";

export interface PostTarget {
  /** office.url with a trailing slash. */
  target: URL;
  key: { keyId: string; secret: string };
  kioskId: string;
  timeoutMs: number;
  nowSeconds: () => number;
}

export type PushAnswer<S extends PushStreamName> = z.infer<(typeof PUSH_STREAMS)[S]["answer"]>;

export async function postToOffice<S extends PushStreamName>(
  to: PostTarget,
  stream: S,
  body: string,
): Promise<{ status: number; answer: PushAnswer<S> | null }> {
  const spec = PUSH_STREAMS[stream];
  const url = new URL(spec.path, to.target);
  const where = `POST ${url.pathname}`;
  const headers = signRequest(
    to.key,
    { method: "POST", pathWithQuery: url.pathname + url.search, body, kioskId: to.kioskId },
    to.nowSeconds(),
  );
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(to.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (err) {
    throw new PushFailure("unreachable", `${where}: ${(err as Error).message}`);
  }
  const quoted = text.slice(0, 200);
  if (status === 204 && spec.noContentIsSuccess) return { status, answer: null };
  if (status >= 500) throw new PushFailure("office_error", `${where}: office answered ${status}: ${quoted}`);
  const conflictAllowed = stream === "registerEvents" && status === 409;
  if (!conflictAllowed && (status < 200 || status > 299)) {
    throw new PushFailure("refused", `${where}: office answered ${status}: ${quoted}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PushFailure("bad_answer", `${where}: office answered ${status} with a body that is not JSON: ${quoted}`);
  }
  const parsed = spec.answer.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    throw new PushFailure("bad_answer", `${where}: the answer (${status}) breaks the contract: ${issues}`);
  }
  const answer = parsed.data as PushAnswer<S>;
  if (conflictAllowed && !(answer as PushAnswer<"registerEvents">).problem) {
    throw new PushFailure("bad_answer", `${where}: office answered 409 without a problem: ${quoted}`);
  }
  return { status, answer };
}
