#!/usr/bin/env bash
# Screen blanking at night and wake on touch, for the kiosk display.
#   screen.sh on | off     switch the display now
#   screen.sh run          loop: dark between SCREEN_OFF_AT and SCREEN_ON_AT; a touch during the
#                          night lights the screen for SCREEN_WAKE_MINUTES
# Settings (/etc/e-korespondencja/screen.env): SCREEN_OFF_AT=22:00 SCREEN_ON_AT=06:00
# SCREEN_WAKE_MINUTES=3 TOUCH_DEVICE=/dev/input/by-path/...-event (default: the input device
# udev marks ID_INPUT_TOUCHSCREEN=1).
# Works with the official DSI touchscreen (backlight in /sys/class/backlight) and, through
# wlr-randr when installed, with HDMI monitors.
set -euo pipefail

SCREEN_OFF_AT="${SCREEN_OFF_AT:-22:00}"
SCREEN_ON_AT="${SCREEN_ON_AT:-06:00}"
SCREEN_WAKE_MINUTES="${SCREEN_WAKE_MINUTES:-3}"
BACKLIGHT_DIR="${BACKLIGHT_DIR:-/sys/class/backlight}"
KIOSK_USER="${KIOSK_USER:-e-korespondencja-kiosk}"
INPUT_DIR="${INPUT_DIR:-/dev/input}"

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

# The touchscreen: TOUCH_DEVICE, else the event device udev tags ID_INPUT_TOUCHSCREEN=1 (the
# first by-path device may be a keyboard, a power button or the HDMI-CEC remote).
touch_device() {
  if [ -n "${TOUCH_DEVICE:-}" ]; then
    echo "$TOUCH_DEVICE"
    return
  fi
  local dev
  for dev in "$INPUT_DIR"/event*; do
    [ -e "$dev" ] || continue
    if udevadm info --query=property --name="$dev" 2>/dev/null | grep -qx 'ID_INPUT_TOUCHSCREEN=1'; then
      echo "$dev"
      return
    fi
  done
}

# Size of one struct input_event: a struct timeval (two longs) + type, code (u16) + value (s32).
# 24 bytes with 64-bit longs (arm64), 16 on 32-bit userspace. evdev refuses (EINVAL) a read
# smaller than one event, so a wrong size fails at once and the night loop would spin.
event_size() {
  if [ -n "${EVENT_SIZE:-}" ]; then
    echo "$EVENT_SIZE"
  elif [ "$(getconf LONG_BIT)" = 64 ]; then
    echo 24
  else
    echo 16
  fi
}

# Waits up to $1 seconds for one whole input event; true when one arrived. A device that cannot
# be read still takes the whole wait (no busy loop through the night).
wait_touch() {
  local dev started rc=0
  dev="$(touch_device)"
  started="$(date +%s)"
  if [ -n "$dev" ]; then
    timeout "$1" dd if="$dev" of=/dev/null bs="$(event_size)" count=1 iflag=fullblock status=none 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] && return 0
    [ "$rc" -eq 124 ] && return 1
    echo "screen: cannot read $dev (dd exit $rc)" >&2
  fi
  local left=$(($1 - ($(date +%s) - started)))
  [ "$left" -gt 0 ] && sleep "$left"
  return 1
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
  touch-device) touch_device ;;
  event-size) event_size ;;
  wait-touch) wait_touch "${2:-60}" ;;
  *)
    echo "usage: screen.sh on | off | run | is-night [HH:MM] | touch-device | event-size | wait-touch [SECONDS]" >&2
    exit 2
    ;;
esac
