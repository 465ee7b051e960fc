/**
 * Base45 (RFC 9285): bytes as characters of the QR alphanumeric set. A QR code stores those at
 * 5.5 bits each instead of 8, so signed data encoded this way makes a smaller symbol than
 * base64 (the same trick as the EU COVID certificates).
 */
export const BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

const VALUE = new Map([...BASE45_ALPHABET].map((ch, i) => [ch, i]));

export function base45Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    out += BASE45_ALPHABET[c] + BASE45_ALPHABET[d] + BASE45_ALPHABET[(n - d) / 45];
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1];
    out += BASE45_ALPHABET[n % 45] + BASE45_ALPHABET[Math.floor(n / 45)];
  }
  return out;
}

/** null for text that is not valid base45 (wrong characters, a dangling character, overflow). */
export function base45Decode(text: string): Buffer | null {
  if (text.length % 3 === 1) return null;
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    const values = [...chunk].map((ch) => VALUE.get(ch));
    if (values.some((v) => v === undefined)) return null;
    const [c, d, e = 0] = values as number[];
    const n = c + d * 45 + e * 45 * 45;
    if (chunk.length === 3) {
      if (n > 0xffff) return null;
      out.push(n >> 8, n & 0xff);
    } else {
      if (n > 0xff) return null;
      out.push(n);
    }
  }
  return Buffer.from(out);
}
