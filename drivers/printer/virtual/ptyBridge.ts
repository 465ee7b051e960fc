/**
 * A serial line for the virtual printer: socat makes a pty at `link` and relays it to the
 * printer's TCP port, so the gateway's tty transport talks to it exactly as to a USB-serial
 * printer (`stty raw`, file descriptor I/O).
 */
import { existsSync } from "node:fs";
import { execa, type ResultPromise } from "execa";

export interface PtyBridge {
  path: string;
  stop(): Promise<void>;
}

export async function startPtyBridge(link: string, tcpPort: number, timeoutMs = 5000): Promise<PtyBridge> {
  const child: ResultPromise = execa("socat", [`pty,raw,echo=0,link=${link},ignoreeof`, `tcp:127.0.0.1:${tcpPort}`], {
    reject: false,
    stdin: "ignore",
  });
  const started = Date.now();
  while (!existsSync(link)) {
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      child.kill();
      const result = await child;
      throw new Error(`socat did not create ${link}: ${String(result.stderr).trim() || "timeout"}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    path: link,
    async stop() {
      child.kill("SIGTERM");
      await child;
    },
  };
}
