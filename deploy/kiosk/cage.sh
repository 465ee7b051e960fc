#!/usr/bin/env bash
# Starts cage (the Wayland kiosk compositor) with Chromium (chromium.sh) for the kiosk unit.
# Settings (/etc/e-korespondencja/kiosk.env):
#   KIOSK_ROTATE=0|90|180|270   turn the picture clockwise (cage 0.1.4 on bookworm: -r per 90°)
#   KIOSK_OUTPUT=extend|last    several screens: span them (default) or use the last connected one
# Touch is mapped to the screen by udev (WL_OUTPUT, LIBINPUT_CALIBRATION_MATRIX): docs/hardware.md.
set -euo pipefail

CAGE="${CAGE:-/usr/bin/cage}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
args=(-d)
case "${KIOSK_ROTATE:-0}" in
  0) ;;
  90) args+=(-r) ;;
  180) args+=(-r -r) ;;
  270) args+=(-r -r -r) ;;
  *) echo "cage.sh: KIOSK_ROTATE must be 0, 90, 180 or 270 (got '${KIOSK_ROTATE}')" >&2; exit 2 ;;
esac
case "${KIOSK_OUTPUT:-extend}" in
  extend | last) args+=(-m "${KIOSK_OUTPUT:-extend}") ;;
  *) echo "cage.sh: KIOSK_OUTPUT must be extend or last (got '${KIOSK_OUTPUT}')" >&2; exit 2 ;;
esac
exec "$CAGE" "${args[@]}" -- "$HERE/chromium.sh"
