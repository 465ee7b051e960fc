#!/usr/bin/env bash
# Installs the Debian packages the test suite uses when they are missing (needs root).
# apt-get update runs at most once per call, and only when something is missing.
set -euo pipefail

PACKAGES=(chromium fonts-dejavu-core gammu gammu-smsd libdbd-sqlite3 socat sqlite3 strace openssl dovecot-imapd qemu-user libc6-arm64-cross shellcheck systemd cage xwayland
  debootstrap systemd-container qemu-user-static binfmt-support postgresql faketime)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "test-prereqs: missing Debian packages: ${missing[*]}" >&2
  echo "test-prereqs: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "test-prereqs: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian packages start daemons we do not want running system-wide during tests.
for svc in gammu-smsd dovecot postgresql; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
  if [ -x "/etc/init.d/$svc" ]; then "/etc/init.d/$svc" stop >/dev/null 2>&1 || true; fi
done
