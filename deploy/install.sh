#!/usr/bin/env bash
# e-Korespondencja: install or upgrade on Raspberry Pi OS (bookworm, 64-bit). Run from a checkout:
#   sudo deploy/install.sh
# Safe to run again: unchanged files are left alone, an unchanged release is not rebuilt, and a
# new release is switched to only after it answers /healthz — otherwise it rolls back.
#
# Options:
#   --root DIR          install into DIR instead of / (tests). Skips apt-get, useradd, chown,
#                       systemctl and udevadm (printed as "skip"); the health check then starts
#                       the gateway from DIR itself on --health-port.
#   --source DIR        checkout to install (default: the one this script is in)
#   --deps-from DIR     link node_modules to DIR instead of running npm ci (tests, offline labs)
#   --health-port N     port of /healthz (default: PORT in /etc/e-korespondencja/gateway.env, 8080)
#   --health-timeout S  seconds to wait for a healthy gateway after switching (default 90)
#   --keep N            releases kept, the current one included (default 3)
#   --modem-on-uart     a SIM800/SIM7600 HAT on the GPIO UART (serial0) is the modem
set -euo pipefail

APP=e-korespondencja
SERVICE_USER=e-korespondencja
KIOSK_USER=e-korespondencja-kiosk
APT_PACKAGES=(cage xwayland chromium curl ca-certificates gammu gammu-smsd libdbd-sqlite3 sqlite3 nodejs npm
  fonts-dejavu-core fonts-noto-core systemd-timesyncd udev usb-modeswitch usb-modeswitch-data)
SOURCE_ITEMS=(package.json package-lock.json tsconfig.json gateway db drivers deploy kiosk-ui)

ROOT=""
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS_FROM=""
HEALTH_PORT=""
HEALTH_TIMEOUT=90
KEEP=3
MODEM_ON_UART=0

die() {
  echo "install: ERROR: $*" >&2
  exit 1
}
log() { echo "install: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$(realpath -m "$2")"; shift 2 ;;
    --source) SOURCE="$(realpath "$2")"; shift 2 ;;
    --deps-from) DEPS_FROM="$(realpath "$2")"; shift 2 ;;
    --health-port) HEALTH_PORT="$2"; shift 2 ;;
    --health-timeout) HEALTH_TIMEOUT="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    --modem-on-uart) MODEM_ON_UART=1; shift ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

SYSTEM=1
[ -n "$ROOT" ] && SYSTEM=0
OPT="$ROOT/opt/$APP"
ETC="$ROOT/etc/$APP"
DATA="$ROOT/var/lib/$APP"
KIOSK_HOME="$ROOT/var/lib/$APP-kiosk"
UNIT_DIR="$ROOT/etc/systemd/system"

if [ ! -f "$SOURCE/package.json" ] || [ ! -f "$SOURCE/gateway/main.ts" ]; then
  die "$SOURCE is not an e-Korespondencja checkout"
fi
if [ "$SYSTEM" -eq 1 ] && [ "$(id -u)" -ne 0 ]; then die "run as root (sudo), or use --root DIR"; fi

# Runs a command on the real system only; with --root it is reported and skipped.
system() {
  if [ "$SYSTEM" -eq 1 ]; then "$@"; else log "skip (--root): $*"; fi
}

# npm ci for a Pi on a slow or flaky link: what the npm cache holds is used without asking the
# registry again, a slow answer gets 10 minutes instead of 5, and a failed run is tried once more
# (npm ci starts from an empty node_modules each time, so a second run is clean).
npm_ci() {
  local flags=(--no-audit --no-fund --prefer-offline --fetch-timeout=600000 --fetch-retries=5 "$@")
  npm ci "${flags[@]}" && return 0
  log "npm ci failed; trying once more"
  npm ci "${flags[@]}"
}

CHANGED_UNITS=0
CHANGED_MANAGER=0
CHANGED_JOURNALD=0
# Copies SRC to DST with MODE only when the content or mode differs (keeps mtimes on re-runs).
put_file() {
  local src="$1" dst="$2" mode="$3"
  mkdir -p "$(dirname "$dst")"
  if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
    [ "$(stat -c %a "$dst")" = "$mode" ] || chmod "$mode" "$dst"
    return 1
  fi
  install -m "$mode" "$src" "$dst"
  log "wrote ${dst#"$ROOT"}"
  return 0
}

# Copies SRC to DST only when DST does not exist yet (configuration the technician edits).
put_default() {
  local src="$1" dst="$2" mode="$3" owner="${4:-}"
  mkdir -p "$(dirname "$dst")"
  if [ ! -e "$dst" ]; then
    install -m "$mode" "$src" "$dst"
    log "created ${dst#"$ROOT"} (edit it)"
  fi
  [ "$(stat -c %a "$dst")" = "$mode" ] || chmod "$mode" "$dst"
  if [ -n "$owner" ] && [ "$SYSTEM" -eq 1 ]; then chown "$owner" "$dst"; fi
}

ensure_dir() {
  local dir="$1" mode="$2" owner="${3:-}"
  [ -d "$dir" ] || { mkdir -p "$dir"; log "created ${dir#"$ROOT"}/"; }
  [ "$(stat -c %a "$dir")" = "$mode" ] || chmod "$mode" "$dir"
  if [ -n "$owner" ] && [ "$SYSTEM" -eq 1 ]; then chown "$owner" "$dir"; fi
}

install_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

create_users() {
  if ! getent passwd "$SERVICE_USER" >/dev/null; then
    useradd --system --user-group --home-dir "/var/lib/$APP" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
    log "created user $SERVICE_USER"
  fi
  usermod -a -G dialout,lp "$SERVICE_USER"
  # sms.powerKey (a HAT's PWRKEY on a GPIO pin) needs the Pi's gpio group.
  if getent group gpio >/dev/null; then usermod -a -G gpio "$SERVICE_USER"; fi
  if ! getent passwd "$KIOSK_USER" >/dev/null; then
    useradd --system --user-group --home-dir "/var/lib/$APP-kiosk" --no-create-home --shell /usr/sbin/nologin "$KIOSK_USER"
    log "created user $KIOSK_USER"
  fi
  local group
  for group in video render input; do
    if getent group "$group" >/dev/null; then usermod -a -G "$group" "$KIOSK_USER"; fi
  done
}

# The release id: package version + a hash of the sources, so an unchanged checkout is a no-op.
release_id() {
  local version hash
  version="$(sed -n 's/^  "version": "\([^"]*\)",*$/\1/p' "$SOURCE/package.json" | head -n1)"
  [ -n "$version" ] || die "no version in $SOURCE/package.json"
  hash="$(cd "$SOURCE" && find "${SOURCE_ITEMS[@]}" -type f ! -path '*/node_modules/*' ! -path 'kiosk-ui/dist/*' \
    -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-10)"
  echo "$version-$hash"
}

build_release() {
  local id="$1" stage="$OPT/releases/.$1.partial"
  rm -rf "$stage"
  mkdir -p "$stage"
  (cd "$SOURCE" && tar -c --exclude=node_modules --exclude=kiosk-ui/dist "${SOURCE_ITEMS[@]}") | tar -x -C "$stage"
  if [ -n "$DEPS_FROM" ]; then
    ln -s "$DEPS_FROM" "$stage/node_modules"
    [ -f "$SOURCE/kiosk-ui/dist/index.html" ] || die "--deps-from needs a built kiosk UI in $SOURCE/kiosk-ui/dist"
    cp -a "$SOURCE/kiosk-ui/dist" "$stage/kiosk-ui/dist"
  elif [ -f "$SOURCE/kiosk-ui/dist/index.html" ]; then
    log "kiosk UI already built in the checkout; npm ci --omit=dev"
    cp -a "$SOURCE/kiosk-ui/dist" "$stage/kiosk-ui/dist"
    (cd "$stage" && npm_ci --omit=dev)
  else
    # Vite's bundler (rolldown) is a native optional package that npm skips on Node < 20.19, as
    # it skips every optional package whose engines do not match: Debian bookworm's Node 18 can
    # install a release archive (deploy/release.sh, UI built), not build the UI from a bare clone.
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
      die "this checkout has no built kiosk UI (kiosk-ui/dist) and Node $(node --version) cannot build it (Vite needs Node >= 20.19): install from a release archive made by deploy/release.sh (docs/install.md)"
    log "npm ci, kiosk UI build (vite under Bun), then npm prune --omit=dev"
    (cd "$stage" && npm_ci &&
      node_modules/.bin/bun --bun node_modules/vite/bin/vite.js build kiosk-ui --logLevel warn &&
      npm prune --omit=dev --no-audit --no-fund)
  fi
  [ -x "$stage/node_modules/.bin/bun" ] || die "release $id has no node_modules/.bin/bun"
  [ -f "$stage/kiosk-ui/dist/index.html" ] || die "release $id has no kiosk UI build"
  chmod -R go-w "$stage"
  mv -T "$stage" "$OPT/releases/$id"
  log "release $id staged"
}

install_system_files() {
  local f rel
  for f in "$SOURCE"/deploy/systemd/*.service "$SOURCE"/deploy/systemd/*.timer "$SOURCE"/deploy/systemd/*.path; do
    put_file "$f" "$UNIT_DIR/$(basename "$f")" 644 && CHANGED_UNITS=1
  done
  put_file "$SOURCE/deploy/systemd/system.conf.d/50-e-korespondencja-watchdog.conf" \
    "$ROOT/etc/systemd/system.conf.d/50-e-korespondencja-watchdog.conf" 644 && CHANGED_MANAGER=1
  put_file "$SOURCE/deploy/systemd/journald.conf.d/50-e-korespondencja.conf" \
    "$ROOT/etc/systemd/journald.conf.d/50-e-korespondencja.conf" 644 && CHANGED_JOURNALD=1
  rel="systemd-time-wait-sync.service.d/50-e-korespondencja.conf"
  put_file "$SOURCE/deploy/systemd/$rel" "$UNIT_DIR/$rel" 644 && CHANGED_UNITS=1
  put_file "$SOURCE/deploy/udev/99-e-korespondencja.rules" "$ROOT/etc/udev/rules.d/99-e-korespondencja.rules" 644 || true
  # E3372 sticks arriving as 12d1:1f01 are switched to the serial mode gammu needs (12d1:1442).
  put_file "$SOURCE/deploy/usb_modeswitch/12d1:1f01" "$ROOT/etc/usb_modeswitch.d/12d1:1f01" 644 || true
  for f in "$SOURCE"/deploy/bin/*; do
    put_file "$f" "$ROOT/usr/local/bin/$(basename "$f")" 755 || true
  done
}

install_config() {
  ensure_dir "$ETC" 750 "root:$SERVICE_USER"
  put_default "$SOURCE/deploy/config/config.json" "$ETC/config.json" 600 "$SERVICE_USER:$SERVICE_USER"
  put_default "$SOURCE/deploy/config/gateway.env" "$ETC/gateway.env" 600 "$SERVICE_USER:$SERVICE_USER"
  put_default "$SOURCE/deploy/config/kiosk.env" "$ETC/kiosk.env" 644 "root:root"
  put_default "$SOURCE/deploy/config/screen.env" "$ETC/screen.env" 644 "root:root"
  ensure_dir "$DATA" 700 "$SERVICE_USER:$SERVICE_USER"
  ensure_dir "$DATA/backups" 700 "$SERVICE_USER:$SERVICE_USER"
  ensure_dir "$KIOSK_HOME" 750 "$KIOSK_USER:$KIOSK_USER"
  # The udev rule for a HAT on serial0 applies only when this file exists.
  if [ "$MODEM_ON_UART" -eq 1 ] && [ ! -e "$ETC/modem-on-uart" ]; then
    : >"$ETC/modem-on-uart"
    log "created ${ETC#"$ROOT"}/modem-on-uart (the modem is a HAT on serial0)"
  fi
}

# ModemManager probes Huawei, SIMCom and Quectel ports and fights gammu-smsd for them: masked
# when the image has it (the udev rules also set ID_MM_DEVICE_IGNORE).
mask_modemmanager() {
  local unit=ModemManager.service dir found=0
  for dir in "$ROOT/lib/systemd/system" "$ROOT/usr/lib/systemd/system" "$UNIT_DIR"; do
    [ -f "$dir/$unit" ] && found=1
  done
  [ "$found" -eq 1 ] || return 0
  [ "$(readlink "$UNIT_DIR/$unit" 2>/dev/null)" = /dev/null ] && return 0
  system systemctl disable --now "$unit" || true
  mkdir -p "$UNIT_DIR"
  ln -sfn /dev/null "$UNIT_DIR/$unit"
  log "masked $unit (it would take the modem from gammu-smsd)"
}

# The kiosk unit is WantedBy=graphical.target; Raspberry Pi OS Lite boots multi-user.target,
# so the screen would stay dark after a reboot. A desktop image's display manager would fight
# cage for the screen: it is disabled.
set_boot_target() {
  local target=graphical.target
  if [ "$(basename "$(readlink "$UNIT_DIR/default.target" 2>/dev/null)")" != "$target" ]; then
    mkdir -p "$UNIT_DIR"
    ln -sfn "/lib/systemd/system/$target" "$UNIT_DIR/default.target"
    log "boot target set to $target (the kiosk display is wanted by it)"
  fi
  if [ -L "$UNIT_DIR/display-manager.service" ]; then
    local dm
    dm="$(basename "$(readlink "$UNIT_DIR/display-manager.service")")"
    system systemctl disable "$dm" || true
    rm -f "$UNIT_DIR/display-manager.service"
    log "disabled the desktop's display manager $dm (cage owns the screen)"
  fi
}

health_port() {
  if [ -n "$HEALTH_PORT" ]; then echo "$HEALTH_PORT"; return; fi
  local port
  port="$(sed -n 's/^PORT=\([0-9][0-9]*\)$/\1/p' "$ETC/gateway.env" 2>/dev/null | tail -n1)"
  echo "${port:-8080}"
}

# True when /healthz answers 200 (db and register not down) within the timeout.
wait_healthy() {
  local url deadline=$((SECONDS + HEALTH_TIMEOUT))
  url="http://127.0.0.1:$(health_port)/healthz"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fsS --max-time 3 -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 1
  done
  return 1
}

# With --root there is no systemd: start the switched release from the tree, ask it, stop it.
health_check_in_tree() {
  local pid ok=1
  (
    cd "$OPT/current"
    exec env CONFIG_FILE="$ETC/config.json" DATA_DIR="$DATA" PORT="$(health_port)" HOST=127.0.0.1 \
      LOG_LEVEL=warn node_modules/.bin/bun gateway/main.ts
  ) >"$DATA/install-healthcheck.log" 2>&1 &
  pid=$!
  if wait_healthy; then ok=0; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$ok" -eq 0 ] && rm -f "$DATA/install-healthcheck.log"
  return "$ok"
}

# A first start needs an explicit init: the gateway never creates a database by itself in production
# (a missing one next to the kiosk key or backups is a restore, not a new start).
init_database() {
  [ -f "$DATA/gateway.sqlite" ] && return 0
  log "first start: creating the database (npm run provision -- init)"
  if [ "$SYSTEM" -eq 1 ]; then
    (cd "$OPT/current" && runuser -u "$SERVICE_USER" -- env CONFIG_FILE="$ETC/config.json" DATA_DIR="$DATA" \
      node_modules/.bin/bun gateway/cli/provision.ts init)
  else
    (cd "$OPT/current" && env CONFIG_FILE="$ETC/config.json" DATA_DIR="$DATA" \
      node_modules/.bin/bun gateway/cli/provision.ts init)
  fi
}

health_check() {
  if [ "$SYSTEM" -eq 1 ]; then
    systemctl restart "$APP-gateway.service" && wait_healthy
  else
    health_check_in_tree
  fi
}

switch_to() {
  ln -sfn "releases/$1" "$OPT/current.new"
  mv -T "$OPT/current.new" "$OPT/current"
}

prune_releases() {
  local current previous keep_list=() dir name
  current="$(readlink "$OPT/current" || true)"
  previous="$(readlink "$OPT/previous" 2>/dev/null || true)"
  # shellcheck disable=SC2012 # release names are ours: no newlines or odd characters
  mapfile -t keep_list < <(ls -1t "$OPT/releases" | head -n "$KEEP")
  for dir in "$OPT"/releases/*; do
    name="releases/$(basename "$dir")"
    [ "$name" = "$current" ] || [ "$name" = "$previous" ] && continue
    printf '%s\n' "${keep_list[@]}" | grep -qxF "$(basename "$dir")" && continue
    rm -rf "$dir"
    log "removed old release $(basename "$dir")"
  done
}

# ---------------------------------------------------------------------------------------------
# Debian's gammu-smsd package starts its own daemon on install, which grabs /dev/ttyUSB0 (or, with
# no modem, holds apt-get for 90 s waiting for a PID file). The gateway runs gammu-smsd itself:
# mask the package's unit before the package arrives.
if [ "$SYSTEM" -eq 1 ] && [ "$(readlink /etc/systemd/system/gammu-smsd.service 2>/dev/null)" != /dev/null ]; then
  systemctl mask gammu-smsd.service >/dev/null 2>&1 || ln -sfn /dev/null /etc/systemd/system/gammu-smsd.service
  log "masked gammu-smsd.service (the gateway supervises gammu-smsd)"
fi
if [ "$SYSTEM" -eq 1 ]; then install_packages; else log "skip (--root): apt-get install ${APT_PACKAGES[*]}"; fi
if [ "$SYSTEM" -eq 1 ]; then create_users; else log "skip (--root): useradd $SERVICE_USER $KIOSK_USER"; fi

ensure_dir "$ROOT/opt" 755
ensure_dir "$OPT" 755
ensure_dir "$OPT/releases" 755
install_config
install_system_files
mask_modemmanager
set_boot_target

RELEASE="$(release_id)"
[ -d "$OPT/releases/$RELEASE" ] || build_release "$RELEASE"

CURRENT="$(readlink "$OPT/current" 2>/dev/null || true)"
if [ "$CURRENT" = "releases/$RELEASE" ]; then
  log "release $RELEASE is already current"
  if [ "$CHANGED_UNITS" -eq 1 ]; then
    system systemctl daemon-reload
    system systemctl restart "$APP-gateway.service"
  fi
else
  [ "$CHANGED_UNITS" -eq 1 ] && system systemctl daemon-reload
  switch_to "$RELEASE"
  log "switched to release $RELEASE; checking health"
  if init_database && health_check; then
    if [ -n "$CURRENT" ]; then ln -sfn "$CURRENT" "$OPT/previous"; fi
    log "release $RELEASE is healthy"
  else
    if [ -n "$CURRENT" ]; then
      switch_to "${CURRENT#releases/}"
      log "release $RELEASE FAILED its health check; rolled back to ${CURRENT#releases/}"
      if [ "$SYSTEM" -eq 1 ]; then systemctl restart "$APP-gateway.service" || true; fi
    else
      rm -f "$OPT/current"
      log "release $RELEASE FAILED its health check; nothing to roll back to"
    fi
    rm -rf "${OPT:?}/releases/$RELEASE"
    die "the new release did not answer /healthz within ${HEALTH_TIMEOUT}s (see journalctl -u $APP-gateway)"
  fi
fi

prune_releases
if [ "$SYSTEM" -eq 1 ]; then
  # New limits apply only once the daemons read their configuration again.
  if [ "$CHANGED_MANAGER" -eq 1 ]; then systemctl daemon-reexec; else systemctl daemon-reload; fi
  if [ "$CHANGED_JOURNALD" -eq 1 ]; then systemctl restart systemd-journald.service; fi
  # gammu-smsd runs under the gateway (it stops for good on a wrong PIN); Debian's own unit must not grab the modem.
  systemctl disable --now gammu-smsd.service >/dev/null 2>&1 || true
  systemctl mask gammu-smsd.service >/dev/null 2>&1 || true
  systemctl enable "$APP-gateway.service" "$APP-kiosk.service" "$APP-screen.service" "$APP-backup.timer" \
    "$APP-usb-reset.path" systemd-timesyncd.service systemd-time-wait-sync.service >/dev/null
  systemctl disable getty@tty1.service >/dev/null 2>&1 || true
  systemctl start "$APP-backup.timer" "$APP-usb-reset.path" "$APP-kiosk.service" "$APP-screen.service" || true
  udevadm control --reload && udevadm trigger --subsystem-match=tty --subsystem-match=usbmisc
else
  log "skip (--root): systemctl enable/start, udevadm reload"
fi
log "done: $(readlink "$OPT/current")"
