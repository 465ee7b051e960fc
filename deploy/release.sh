#!/usr/bin/env bash
# Builds the release archive a technician copies to the Pi: the files of this checkout (what git
# tracks, plus new files not ignored) and the built kiosk UI, so the Pi installs production
# packages only and never runs Vite (Debian bookworm's Node 18 cannot install Vite's native
# bundler; see docs/install.md). Run on a development machine after `npm ci`:
#   deploy/release.sh [OUT.tar.gz]      default: ./e-korespondencja-<version>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then sed -n '2,6p' "$0"; exit 0; fi
version="$(sed -n 's/^  "version": "\([^"]*\)",*$/\1/p' package.json | head -n1)"
out="$(realpath -m "${1:-e-korespondencja-$version.tar.gz}")"
[ -d node_modules ] || { echo "release: run npm ci first" >&2; exit 1; }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "release: not a git checkout" >&2; exit 1; }

node kiosk-ui/ensure-built.mjs
{
  git ls-files -z --cached --others --exclude-standard
  find kiosk-ui/dist -type f -print0
} | while IFS= read -r -d '' f; do
  # Deleted but not yet committed files are listed by git and absent here.
  if [ -e "$f" ] && [ "$f" != "${out#"$PWD"/}" ]; then printf '%s\0' "$f"; fi
done | tar --null -T - -czf "$out"
echo "release: $out ($(du -h "$out" | cut -f1))"
