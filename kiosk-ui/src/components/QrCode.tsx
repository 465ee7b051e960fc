/** The receipt's QR drawn in the browser (SVG from the qrcode package), for the resident to photograph. */

import { useEffect, useState } from "preact/hooks";
import s from "./QrCode.module.css";

export function QrCode(props: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Loaded only when the printer fails, so it costs nothing at start-up.
    import("qrcode")
      .then((QRCode) => QRCode.toString(props.text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }))
      .then((out) => {
        if (live) setSvg(out);
      })
      .catch(() => setSvg(null));
    return () => {
      live = false;
    };
  }, [props.text]);
  return (
    <div
      class={s.qr}
      role="img"
      aria-label={props.label}
      data-testid="receipt-qr"
      dangerouslySetInnerHTML={svg ? { __html: svg } : undefined}
    />
  );
}
