#!/usr/bin/env bash
# Screen blanking at night and wake on touch, for the kiosk display.
#   screen.sh on | off     switch the display now
#   screen.sh run          loop: dark between SCREEN_OFF_AT and SCREEN_ON_AT; a touch during the
#                          night lights the screen for SCREEN_WAKE_MINUTES
# Settings (/etc/e-korespondencja/screen.env): SCREEN_OFF_AT=22:00 SCREEN_ON_AT=06:00
# SCREEN_WAKE_MINUTES=3 TOUCH_DEVICE=/dev/input/by-path/...-event (default: first touch device).
# Works with the official DSI touchscreen (backlight in /sys/class/backlight) and, through
# wlr-randr when installed, with HDMI monitors.
set -euo pipefail

SCREEN_OFF_AT="${SCREEN_OFF_AT:-22:00}"
SCREEN_ON_AT="${SCREEN_ON_AT:-06:00}"
SCREEN_WAKE_MINUTES="${SCREEN_WAKE_MINUTES:-3}"
BACKLIGHT_DIR="${BACKLIGHT_DIR:-/sys/class/backlight}"
KIOSK_USER="${KIOSK_USER:-e-korespondencja-kiosk}"

minutes_of() {
  local hh="${1%%:*}" mm="${1##*:}"
  echo $((10#$hh * 60 + 10#$mm))
}

# True when the time of day (minutes since midnight) is inside the dark window.
is_night() {
  local now="$1" off on
  off="$(minutes_of "$SCREEN_OFF_AT")"
  on="$(minutes_of "$SCREEN_ON_AT")"
  if [ "$off" -eq "$on" ]; then return 1; fi
  if [ "$off" -lt "$on" ]; then
    [ "$now" -ge "$off" ] && [ "$now" -lt "$on" ]
  else
    [ "$now" -ge "$off" ] || [ "$now" -lt "$on" ]
  fi
}

set_display() {
  local state="$1" power=0 bl
  [ "$state" = off ] && power=1
  for bl in "$BACKLIGHT_DIR"/*/bl_power; do
    [ -e "$bl" ] && echo "$power" >"$bl"
  done
  if command -v wlr-randr >/dev/null 2>&1; then
    local uid output
    uid="$(id -u "$KIOSK_USER" 2>/dev/null || true)"
    if [ -n "$uid" ] && [ -S "/run/user/$uid/wayland-0" ]; then
      for output in $(XDG_RUNTIME_DIR="/run/user/$uid" WAYLAND_DISPLAY=wayland-0 wlr-randr | awk '/^[^ ]/ {print $1}'); do
        XDG_RUNTIME_DIR="/run/user/$uid" WAYLAND_DISPLAY=wayland-0 wlr-randr --output "$output" "--$state" || true
      done
    fi
  fi
}

touch_device() {
  if [ -n "${TOUCH_DEVICE:-}" ]; then
    echo "$TOUCH_DEVICE"
    return
  fi
  local dev
  for dev in /dev/input/by-path/*event*; do
    [ -e "$dev" ] && { echo "$dev"; return; }
  done
}

# Waits up to $1 seconds for any input event; true when one arrived.
wait_touch() {
  local dev
  dev="$(touch_device)"
  if [ -z "$dev" ]; then
    sleep "$1"
    return 1
  fi
  timeout "$1" dd if="$dev" of=/dev/null bs=16 count=1 status=none 2>/dev/null
}

run() {
  local awake_until=0 state="" now_s minute
  while true; do
    now_s="$(date +%s)"
    minute="$(minutes_of "$(date +%H:%M)")"
    if is_night "$minute" && [ "$now_s" -ge "$awake_until" ]; then
      [ "$state" = off ] || { set_display off; state=off; }
      if wait_touch 60; then
        awake_until=$((now_s + SCREEN_WAKE_MINUTES * 60))
        set_display on
        state=on
      fi
    else
      [ "$state" = on ] || { set_display on; state=on; }
      sleep 30
    fi
  done
}

case "${1:-}" in
  on | off) set_display "$1" ;;
  run) run ;;
  is-night) is_night "$(minutes_of "${2:-$(date +%H:%M)}")" ;;
  *)
    echo "usage: screen.sh on | off | run | is-night [HH:MM]" >&2
    exit 2
    ;;
esac
