#!/usr/bin/env bash
# Chromium in kiosk mode inside cage, showing the gateway's kiosk UI. Nothing but the local
# gateway is reachable: every host name resolves to nothing except 127.0.0.1, and Chromium's
# own background traffic (updates, sync, safe browsing, translation) is switched off.
# Settings: /etc/e-korespondencja/kiosk.env (KIOSK_URL, KIOSK_EXTRA_FLAGS).
set -euo pipefail

KIOSK_URL="${KIOSK_URL:-http://127.0.0.1:8080/}"
PROFILE="${KIOSK_PROFILE:-/var/lib/e-korespondencja-kiosk/chromium}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

# Wait (up to a minute) for the gateway so the resident never sees a connection error page.
for _ in $(seq 1 "${KIOSK_WAIT_SECONDS:-60}"); do
  if curl -fsS --max-time 2 -o /dev/null "${KIOSK_URL%/}/healthz"; then break; fi
  sleep 1
done

mkdir -p "$PROFILE"
# After a power cut (or a hostname change) the profile keeps SingletonLock, a symlink
# "<hostname>-<pid>" that makes Chromium believe another instance owns the profile: it then
# shows nothing and exits. Removed unless that Chromium is really running with this profile.
lock="$PROFILE/SingletonLock"
if [ -L "$lock" ] || [ -e "$lock" ]; then
  owner="$(readlink "$lock" || true)"
  pid="${owner##*-}"
  if [ "${owner%-*}" = "$(hostname)" ] && [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--user-data-dir=$PROFILE"; then
    echo "chromium.sh: Chromium $pid already runs with $PROFILE" >&2
    exit 1
  fi
  rm -f "$PROFILE/SingletonLock" "$PROFILE/SingletonSocket" "$PROFILE/SingletonCookie"
  echo "chromium.sh: removed a stale profile lock ($owner)" >&2
fi
# A crash leaves "exited uncleanly", which would show a restore bubble on the next start.
if [ -f "$PROFILE/Default/Preferences" ]; then
  sed -i 's/"exited_cleanly":false/"exited_cleanly":true/; s/"exit_type":"[^"]*"/"exit_type":"Normal"/' \
    "$PROFILE/Default/Preferences"
fi

# shellcheck disable=SC2054 # the commas belong to Chromium flag values
flags=(
  --kiosk
  --noerrdialogs
  --disable-pinch
  --overscroll-history-navigation=0
  --ozone-platform=wayland
  --user-data-dir="$PROFILE"
  --no-first-run
  --no-default-browser-check
  --disable-session-crashed-bubble
  --disable-infobars
  --disable-translate
  --disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication
  --disable-background-networking
  --disable-component-update
  --disable-sync
  --disable-quic
  --disable-domain-reliability
  --disable-client-side-phishing-detection
  --disable-breakpad
  --no-pings
  --password-store=basic
  --autoplay-policy=no-user-gesture-required
  --check-for-update-interval=31536000
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
)
if [ -n "${KIOSK_EXTRA_FLAGS:-}" ]; then
  # shellcheck disable=SC2206 # word splitting of the extra flags is intended
  flags+=(${KIOSK_EXTRA_FLAGS})
fi

exec "$CHROMIUM" "${flags[@]}" "$KIOSK_URL"
