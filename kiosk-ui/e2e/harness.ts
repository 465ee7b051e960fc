/**
 * End-to-end harness: a real gateway (child process, free port, temp data dir, simulated devices)
 * and real Chromium (Debian's /usr/bin/chromium through playwright-core, persistent context in a
 * temp dir), plus screenshots, axe-core and the simulators' inboxes.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { freePort } from "../../gateway/testing/local.ts";

export { freePort };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACTS = join(ROOT, "test-artifacts", "kiosk");
export const SIZES = {
  small: { width: 800, height: 480 },
  large: { width: 1280, height: 800 },
  portrait: { width: 720, height: 1280 },
} as const;
export type SizeName = keyof typeof SIZES;

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Builds the UI when its sources are newer than dist/ (same as `npm start`). Test files run in
 * parallel, so one builds while the others wait on a lock directory.
 */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), "ekor-kiosk-ui-build.lock");
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      // A lock left by a killed run is older than any build.
      if (held && Date.now() - held.mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`kiosk UI build lock ${lock} held for too long`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    execFileSync("node", [join(ROOT, "kiosk-ui", "ensure-built.mjs")], { stdio: "inherit" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface DemoFlat {
  flatCode: string;
  label: string;
  surnames: string[];
  code: string;
  building: string;
  staircase: string;
  number: string;
}

export interface GatewayProcess {
  /** The kiosk's listener (kiosk UI and API). */
  url: string;
  /** The office's listener (office API and staff console). */
  officeUrl: string;
  port: number;
  dataDir: string;
  flats: DemoFlat[];
  /** Stops the gateway (SIGTERM, then SIGKILL); the data directory stays for a restart. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

function parseOwners(text: string): DemoFlat[] {
  const out: DemoFlat[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const m = /^(\S+)\s+(.+? m\. \S+)\s+(.+?)\s+(\d{4,12})\s*$/.exec(line);
    if (!m) continue;
    const [building, staircase, number] = m[1].split("-");
    out.push({ flatCode: m[1], label: m[2], surnames: m[3].split(" / "), code: m[4], building, staircase, number });
  }
  return out;
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status < 500 || res.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`gateway did not answer within 30 s:\n${log()}`);
}

/** `options.dataDir`: a data directory the test owns (e.g. on a small tmpfs); kept by dispose(). */
export async function startGatewayProcess(
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<GatewayProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "ekor-kiosk-e2e-"));
  const port = await freePort();
  const officePort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const officeUrl = `http://127.0.0.1:${officePort}`;
  let child: ChildProcess;
  let output = "";
  const bun = join(ROOT, "node_modules", ".bin", "bun");
  const launch = async () => {
    output = "";
    child = spawn(bun, [join(ROOT, "gateway", "main.ts"), "--demo"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        OFFICE_PORT: String(officePort),
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        // One-time codes must go out whatever the hour the suite runs at.
        EK__sms__quietHours__start: "00:00",
        EK__sms__quietHours__end: "00:00",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    await waitForHealth(url, child, () => output);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  const flats = parseOwners(readFileSync(join(dataDir, "demo-owners.txt"), "utf8"));
  return {
    url,
    officeUrl,
    port,
    dataDir,
    flats,
    stop,
    restart: launch,
    async dispose() {
      await stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Kiosk {
  context: BrowserContext;
  page: Page;
  size: SizeName;
  /** Loads the kiosk afresh (each test starts on the Start screen whatever the last one left). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openKiosk(url: string, size: SizeName): Promise<Kiosk> {
  const profile = mkdtempSync(join(tmpdir(), "ekor-kiosk-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: SIZES[size],
    hasTouch: true,
    locale: "pl-PL",
    timezoneId: "Europe/Warsaw",
  });
  // Every layout shift is recorded, also those right after a tap (CLS leaves those out, but a
  // keypad that jumps under a finger is exactly what we must not do).
  await context.addInitScript(LAYOUT_SHIFT_RECORDER);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const reset = async () => {
    await page.goto(`${url}/`);
    await page.getByTestId("start-enrol").waitFor();
  };
  await reset();
  return {
    context,
    page,
    size,
    reset,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const LAYOUT_SHIFT_RECORDER = `
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const nodes = (entry.sources || []).map((s) => {
        const n = s.node;
        if (!n || !n.nodeType) return "?";
        const el = n.nodeType === 1 ? n : n.parentElement;
        return el ? el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "") + (el.dataset && el.dataset.testid ? "#" + el.dataset.testid : "") : "#text";
      });
      window.__shifts.push({ value: entry.value, nodes, step: document.querySelector("#screen")?.getAttribute("data-step") });
    }
  }).observe({ type: "layout-shift", buffered: true });
`;

export interface LayoutShift {
  value: number;
  nodes: string[];
  step: string | null;
}

/** The layout shifts recorded since the last call (and forgets them). */
export async function takeLayoutShifts(page: Page): Promise<LayoutShift[]> {
  return page.evaluate(() => {
    // biome-ignore lint/suspicious/noExplicitAny: recorder installed by the init script
    const w = window as any;
    const shifts = w.__shifts ?? [];
    w.__shifts = [];
    return shifts;
  });
}

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: number;
}

/** Serious and critical axe-core violations on the current screen. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not as an inline <script>: the page's CSP forbids those.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
      .map((v: { id: string; impact: string; help: string; nodes: unknown[] }) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
      }));
  });
}

/** What a step must satisfy at every size: nothing scrolls the page, the primary action is on screen, touch targets are big. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    if (document.documentElement.scrollHeight > vh + 1)
      problems.push(`page scrolls (${document.documentElement.scrollHeight} > ${vh})`);
    for (const button of Array.from(document.querySelectorAll("footer button, [role=alertdialog] button"))) {
      const r = button.getBoundingClientRect();
      if (r.bottom > vh + 0.5 || r.right > vw + 0.5 || r.top < 0)
        problems.push(`action off screen: ${button.textContent}`);
    }
    for (const el of Array.from(document.querySelectorAll("button, input, label"))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.width < 44 || r.height < 44)
        problems.push(`small target ${Math.round(r.width)}x${Math.round(r.height)}: ${el.textContent?.slice(0, 30)}`);
    }
    const base = Number.parseFloat(getComputedStyle(document.documentElement).fontSize);
    if (base < 20) problems.push(`base font ${base}px`);
    return problems;
  });
}

/** Screenshot + layout + axe for one step; returns the problems found (empty is good). */
export async function checkStep(kiosk: Kiosk, flow: string, step: string): Promise<string[]> {
  await kiosk.page.waitForTimeout(60);
  const dir = join(ARTIFACTS, kiosk.size);
  mkdirSync(dir, { recursive: true });
  await kiosk.page.screenshot({ path: join(dir, `${flow}-${step}.png`) });
  const layout = await layoutProblems(kiosk.page);
  const shifts = (await takeLayoutShifts(kiosk.page)).map(
    (shift) => `layout shift ${shift.value.toFixed(4)} on ${shift.step}: ${shift.nodes.join(", ")}`,
  );
  const axe = (await axeViolations(kiosk.page)).map((v) => `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes})`);
  return [...layout, ...shifts, ...axe].map((p) => `${kiosk.size}/${flow}/${step}: ${p}`);
}

/** The newest one-time code sent to `to` by SMS or email (from the simulators), newer than `after`. */
export async function codeSentTo(
  url: string,
  channel: "sms" | "email",
  to: string,
  seen: Set<string> = new Set(),
): Promise<string> {
  const path = channel === "sms" ? "/dev/sms.json" : "/dev/mail.json";
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const res = await fetch(`${url}${path}?to=${encodeURIComponent(to)}`);
    const list = (await res.json()) as Array<{ id?: string; messageId?: string; text: string }>;
    for (const message of [...list].reverse()) {
      const key = message.id ?? message.messageId ?? message.text;
      const code = /\b(\d{6})\b/.exec(message.text)?.[1];
      if (code && !seen.has(key)) {
        seen.add(key);
        return code;
      }
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no code sent by ${channel} to ${to}`);
}
