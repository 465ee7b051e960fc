/**
 * The office API's request signature, shared by the gateway (verify), the push sync and the
 * reference client (sign). Lowercase hex HMAC-SHA256 with the key's secret over
 * `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nhex(SHA-256(body))`. Requests the gateway pushes
 * to the office also sign the sending kiosk: a sixth line `\nKIOSK_ID` with the X-Kiosk-Id value
 * (see pushContract.ts); requests to the office API have no such line.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const HEADER = {
  key: "x-office-key",
  timestamp: "x-office-timestamp",
  nonce: "x-office-nonce",
  signature: "x-office-signature",
  kioskId: "x-kiosk-id",
} as const;

export const MIN_NONCE_LENGTH = 16;
export const MAX_NONCE_LENGTH = 128;

export function sha256Hex(body: string | Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

export function stringToSign(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  bodyHash: string,
  kioskId?: string,
) {
  const base = `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
  return kioskId === undefined ? base : `${base}\n${kioskId}`;
}

export function signature(secret: string, canonical: string): string {
  return createHmac("sha256", secret).update(canonical).digest("hex");
}

export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

export type SignedHeaders = {
  "X-Office-Key": string;
  "X-Office-Timestamp": string;
  "X-Office-Nonce": string;
  "X-Office-Signature": string;
  "X-Kiosk-Id"?: string;
};

/**
 * Headers for one request; `nowSeconds` comes from the caller's (possibly corrected) clock.
 * With `kioskId` (pushes to the office) the kiosk id is sent in X-Kiosk-Id and signed.
 */
export function signRequest(
  key: { keyId: string; secret: string },
  request: { method: string; pathWithQuery: string; body?: string | Uint8Array; kioskId?: string },
  nowSeconds: number,
  nonce: string = newNonce(),
): SignedHeaders {
  const timestamp = String(Math.floor(nowSeconds));
  const canonical = stringToSign(
    request.method,
    request.pathWithQuery,
    timestamp,
    nonce,
    sha256Hex(request.body ?? ""),
    request.kioskId,
  );
  return {
    "X-Office-Key": key.keyId,
    "X-Office-Timestamp": timestamp,
    "X-Office-Nonce": nonce,
    "X-Office-Signature": signature(key.secret, canonical),
    ...(request.kioskId === undefined ? {} : { "X-Kiosk-Id": request.kioskId }),
  };
}

/** Why a signed request is refused (the 401 answer's `error.code`). */
export const AUTH_FAILURES = [
  "missing_header",
  "bad_header",
  "unknown_key",
  "revoked_key",
  "bad_signature",
  "timestamp_skew",
  "replayed",
] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

export interface SignedRequestHead {
  method: string;
  pathWithQuery: string;
  headers: (name: string) => string | undefined | null;
  /** A push from a gateway: X-Kiosk-Id is required and signed as the sixth line. */
  signsKioskId?: boolean;
}

export interface VerifyInput extends SignedRequestHead {
  body: Uint8Array;
}

export type KeyLookup = (keyId: string) => { secret: string; clientId: string; revoked: boolean } | undefined;

export type VerifyResult =
  | { ok: true; keyId: string; clientId: string; nonce: string; timestamp: number; kioskId?: string }
  | { ok: false; code: AuthFailure; message: string; header?: string };

export type HeadVerdict =
  | { ok: true; check(bodyHash: string): VerifyResult }
  | { ok: false; code: AuthFailure; message: string; header?: string };

/**
 * Everything that can be checked before the body is read: the headers, the key and the time
 * window. A request that fails here is refused without reading (let alone buffering) its body;
 * `check` then compares the signature with the SHA-256 of the body as it streamed in.
 * Replay (the nonce) is the caller's job, because it needs storage.
 */
export function verifyHead(
  input: SignedRequestHead,
  lookup: KeyLookup,
  nowSeconds: number,
  windowSeconds: number,
): HeadVerdict {
  const values: Record<string, string> = {};
  const required = Object.values(HEADER).filter((name) => name !== HEADER.kioskId || input.signsKioskId);
  for (const name of required) {
    const value = input.headers(name);
    if (value === undefined || value === null || value === "") {
      return { ok: false, code: "missing_header", message: `header ${name} is missing`, header: name };
    }
    values[name] = value;
  }
  const timestampText = values[HEADER.timestamp];
  if (!/^\d{1,12}$/.test(timestampText)) {
    return { ok: false, code: "bad_header", message: "timestamp must be Unix seconds", header: HEADER.timestamp };
  }
  const nonce = values[HEADER.nonce];
  if (nonce.length < MIN_NONCE_LENGTH || nonce.length > MAX_NONCE_LENGTH || !/^[\x21-\x7e]+$/.test(nonce)) {
    return {
      ok: false,
      code: "bad_header",
      message: `nonce must be ${MIN_NONCE_LENGTH}-${MAX_NONCE_LENGTH} printable characters`,
      header: HEADER.nonce,
    };
  }
  const keyId = values[HEADER.key];
  const key = lookup(keyId);
  if (!key) return { ok: false, code: "unknown_key", message: "unknown key id", header: HEADER.key };
  if (key.revoked) return { ok: false, code: "revoked_key", message: "this key was revoked", header: HEADER.key };
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > windowSeconds) {
    return {
      ok: false,
      code: "timestamp_skew",
      message: `timestamp is ${timestamp - nowSeconds} s off (allowed ±${windowSeconds} s)`,
      header: HEADER.timestamp,
    };
  }
  return {
    ok: true,
    check(bodyHash) {
      const kioskId = input.signsKioskId ? values[HEADER.kioskId] : undefined;
      const canonical = stringToSign(input.method, input.pathWithQuery, timestampText, nonce, bodyHash, kioskId);
      if (!signaturesEqual(signature(key.secret, canonical), values[HEADER.signature].toLowerCase())) {
        return { ok: false, code: "bad_signature", message: "signature does not match", header: HEADER.signature };
      }
      return {
        ok: true,
        keyId,
        clientId: key.clientId,
        nonce,
        timestamp,
        ...(kioskId === undefined ? {} : { kioskId }),
      };
    },
  };
}

/** Headers, key, time window and signature of a request whose body is already in memory. */
export function verifyRequest(
  input: VerifyInput,
  lookup: KeyLookup,
  nowSeconds: number,
  windowSeconds: number,
): VerifyResult {
  const head = verifyHead(input, lookup, nowSeconds, windowSeconds);
  return head.ok ? head.check(sha256Hex(input.body)) : head;
}
