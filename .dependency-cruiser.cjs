/**
 * The layers, enforced by `gateway/architecture.test.ts` (dependency-cruiser):
 *   db/ ← drivers/ ← gateway/ (domain ← services ← routes) ; kiosk-ui/ sees the gateway only as types.
 * Tests, benches and deploy tooling may reach across; the product code may not.
 */
const product = "^(db|drivers|gateway|kiosk-ui/src|kiosk-ui/staff)/";
const tests = "(\\.test\\.tsx?$|/e2e/|/testing/)";

module.exports = {
  forbidden: [
    {
      name: "drivers-know-no-gateway",
      comment: "Drivers speak bytes and files; errors and rules of the gateway stay in the gateway.",
      severity: "error",
      from: { path: "^drivers/", pathNot: tests },
      to: { path: "^(gateway|kiosk-ui)/" },
    },
    {
      name: "domain-is-pure",
      comment: "gateway/domain holds the rules: no I/O, no database, no crypto, no framework.",
      severity: "error",
      from: { path: "^gateway/domain/", pathNot: tests },
      to: {
        pathNot: "^(gateway/domain/|(node:)?crypto$)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "domain-hashes-only-the-chain",
      comment:
        "The register's hash chain is a rule (SHA-256 of canonical JSON, a pure function); nothing else in domain may use crypto.",
      severity: "error",
      from: { path: "^gateway/domain/", pathNot: `(^gateway/domain/registerEvents\\.ts$|${tests})` },
      to: { path: "^(node:)?crypto$" },
    },
    {
      name: "bun-only-at-the-edges",
      comment: "bun:* lives in db/client.ts and the entry point; everything else runs anywhere.",
      severity: "error",
      from: { path: product, pathNot: `(^db/client\\.ts$|^gateway/main\\.ts$|${tests})` },
      to: { path: "^bun:" },
    },
    {
      name: "ui-sees-gateway-as-types",
      comment: "The kiosk and the console import only types from the gateway (the typed client).",
      severity: "error",
      from: { path: "^kiosk-ui/(src|staff)/", pathNot: tests },
      to: { path: "^(gateway|db|drivers)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "routes-are-thin",
      comment: "Routes validate, call a service verb and map errors: no tables, no SQL.",
      severity: "error",
      from: { path: "^gateway/routes/", pathNot: tests },
      to: { path: "^(db/|drizzle-orm)" },
    },
    {
      name: "no-circular",
      comment: "A cycle means two files are one; split or merge them.",
      severity: "error",
      from: { path: product, pathNot: tests },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(node_modules|dist/)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
