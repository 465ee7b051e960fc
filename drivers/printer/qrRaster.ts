/**
 * A QR symbol as an ESC/POS raster image (`GS v 0`), for printers that ignore `GS ( k`: the same
 * module size and error correction (M) as the native command, with the 4-module quiet zone.
 */
import QRCode from "qrcode";

export function qrRaster(data: string, cellSize: number): Buffer {
  const { modules } = QRCode.create(data, { errorCorrectionLevel: "M" });
  const quiet = 4;
  const dots = (modules.size + 2 * quiet) * cellSize;
  const widthBytes = Math.ceil(dots / 8);
  const image = Buffer.alloc(widthBytes * dots);
  for (let y = 0; y < dots; y++) {
    const row = Math.floor(y / cellSize) - quiet;
    for (let x = 0; x < dots; x++) {
      const col = Math.floor(x / cellSize) - quiet;
      const dark = row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col);
      if (dark) image[y * widthBytes + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  // GS v 0 m xL xH yL yH: m = 0 (normal size), x in bytes, y in dots.
  const header = Buffer.from([0x1d, 0x76, 0x30, 0, widthBytes & 0xff, widthBytes >> 8, dots & 0xff, dots >> 8]);
  return Buffer.concat([header, image]);
}
