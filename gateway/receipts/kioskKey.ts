/**
 * The kiosk's Ed25519 signing key: generated at first start, private half in a 0600 PEM file
 * under the data directory (it never leaves the Pi), public half as a JWK in `kiosk_keys`.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asc, eq, isNull } from "drizzle-orm";
import { privateDir } from "../../db/privateFiles.ts";
import { kioskKeys } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";

export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  use: "sig";
  alg: "EdDSA";
}

export interface KioskKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

export const KEY_FILE = "kiosk-ed25519.pem";

/**
 * Key id: the RFC 7638 thumbprint of the key, first 6 bytes as upper-case hex (short, and in
 * the QR alphanumeric set: it travels in every slip's QR code).
 */
export function keyIdOf(x: string): string {
  const thumbprint = createHash("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest();
  return thumbprint.subarray(0, 6).toString("hex").toUpperCase();
}

export function publicJwkOf(privateKey: KeyObject): PublicJwk {
  const { x } = createPublicKey(privateKey).export({ format: "jwk" }) as { x: string };
  return { kty: "OKP", crv: "Ed25519", x, kid: keyIdOf(x), use: "sig", alg: "EdDSA" };
}

export function publicKeyFromJwk(jwk: { x: string }): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
}

/** Loads the key from `<dataDir>/keys/`, creating it on first start, and publishes its public half. */
export function loadOrCreateKioskKey(deps: Pick<CoreDeps, "db" | "clock" | "config" | "logger">): KioskKey {
  const dir = join(deps.config.dataDir, "keys");
  const file = join(dir, KEY_FILE);
  privateDir(dir);
  let privateKey: KeyObject;
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode !== 0o600) {
      chmodSync(file, 0o600);
      deps.logger.warn({ file, mode: mode.toString(8) }, "kiosk key file had loose permissions; reset to 0600");
    }
    privateKey = createPrivateKey(readFileSync(file));
    if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${file} is not an Ed25519 private key`);
  } else {
    privateKey = generateKeyPairSync("ed25519").privateKey;
    writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600, flag: "wx" });
    deps.logger.info({ file }, "generated the kiosk signing key");
  }
  const publicJwk = publicJwkOf(privateKey);
  const known = deps.db.select().from(kioskKeys).where(eq(kioskKeys.kid, publicJwk.kid)).get();
  if (!known) {
    deps.db
      .insert(kioskKeys)
      .values({ kid: publicJwk.kid, publicJwk: JSON.stringify(publicJwk), createdAt: deps.clock.now().toISOString() })
      .run();
  }
  return { kid: publicJwk.kid, privateKey, publicJwk };
}

/**
 * The kiosk's public signing keys as a JWK set: published at `/.well-known/kiosk-keys.json` and
 * `/office/v1/kiosk-keys`, and pushed to the office. Retired keys stay, so old slips verify.
 */
export function kioskKeySet(db: DbOrTx): { keys: Array<PublicJwk & { created_at: string; retired_at?: string }> } {
  return {
    keys: db
      .select()
      .from(kioskKeys)
      .orderBy(asc(kioskKeys.kid))
      .all()
      .map((k) => ({
        ...(JSON.parse(k.publicJwk) as PublicJwk),
        kid: k.kid,
        use: "sig",
        created_at: k.createdAt,
        ...(k.retiredAt ? { retired_at: k.retiredAt } : {}),
      })),
  };
}

export function activeKeyIds(db: CoreDeps["db"]): string[] {
  return db
    .select({ kid: kioskKeys.kid })
    .from(kioskKeys)
    .where(isNull(kioskKeys.retiredAt))
    .all()
    .map((r) => r.kid);
}
