/** A text progress bar on stderr for long transfers (quiet when stderr is not a terminal). */
export interface Progress {
  update(done: number, total?: number): void;
  finish(summary?: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream | null = process.stderr): Progress {
  const tty = Boolean(stream?.isTTY);
  let lastDraw = 0;
  let total = 0;
  const started = Date.now();
  const draw = (done: number) => {
    if (!stream || !tty) return;
    const width = 30;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    stream.write(
      `\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round(ratio * 100)}% ${done}/${total} (${Math.round(rate)}/s) `,
    );
  };
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      const now = Date.now();
      if (now - lastDraw > 100 || done >= total) {
        lastDraw = now;
        draw(done);
      }
    },
    finish(summary) {
      if (stream && tty) stream.write("\n");
      if (summary && stream) stream.write(`${label}: ${summary}\n`);
    },
  };
}

export const silentProgress: Progress = { update() {}, finish() {} };
