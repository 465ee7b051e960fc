/**
 * For tests: a NOTIFY_SOCKET datagram listener standing in for systemd. Perl (always present
 * on Debian) receives with plain recv(), so the file descriptor that `systemd-notify` passes for
 * its barrier is closed on receipt, exactly as the real manager does after processing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const LISTENER = String.raw`
use Socket;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!";
$| = 1;
while (1) { my $b; defined(recv($s, $b, 65536, 0)) or die "recv: $!"; $b =~ s/\n/\x1f/g; print "$b\n"; }
`;

export interface FakeNotifySocket {
  path: string;
  /** Every datagram received so far, each as its KEY=VALUE lines. */
  messages: string[][];
  /** Resolves when a datagram containing `line` has arrived (after `after` earlier messages). */
  waitFor(line: string, timeoutMs?: number, after?: number): Promise<string[]>;
  close(): void;
}

export async function startFakeNotifySocket(dir: string): Promise<FakeNotifySocket> {
  const path = join(dir, "notify.sock");
  const child: ChildProcess = spawn("perl", ["-e", LISTENER, path], { stdio: ["ignore", "pipe", "inherit"] });
  const messages: string[][] = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      messages.push(buffered.slice(0, nl).split("\x1f").filter(Boolean));
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\n");
    }
  });
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(path)) throw new Error("fake NOTIFY_SOCKET listener did not start");
  return {
    path,
    messages,
    async waitFor(line, timeoutMs = 10_000, after = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.slice(after).find((m) => m.includes(line));
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no ${line} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close() {
      child.kill("SIGTERM");
    },
  };
}
