#!/usr/bin/env bash
# `npm test`: system packages, kiosk UI build, then the whole suite (lint and types included)
# under Bun. The last line printed is the summary `tests: N passed, N failed, N skipped`.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash deploy/dev/test-prereqs.sh
node kiosk-ui/ensure-built.mjs
exec npx bun --bun vitest run "$@"
