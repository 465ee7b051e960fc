#!/usr/bin/env bash
# The install under real systemd: boots a Debian root (debootstrap, cached) with systemd-nspawn,
# copies this checkout in as the technician does, runs the steps of docs/install.md marked
# `<!-- os-test: NAME -->` exactly as written, then checks the units under real systemd.
#
#   sudo deploy/dev/os-test.sh [--arch amd64|arm64] [--suite bookworm] [--checks all|smoke]
#                              [--cache DIR] [--keep]
#
#   --arch     Debian architecture of the root (default: this machine's); arm64 runs under qemu-user
#   --checks   all (default) or smoke: install, READY=1, /healthz, enabled units, masked gammu-smsd,
#              journald limits, security score, udev rules, kiosk page, start-up times (no watchdog, kill -9,
#              backup, reinstall, rollback: systemd behaviour that does not depend on the CPU)
#              or boot: the root boots systemd (the arm64 subset CI runs: emulated apt and npm
#              take longer than CI's budget)
#   --cache    where roots and apt/npm downloads are kept (default /var/cache/e-korespondencja-os-test)
#   --keep     leave the container's root in place after the run (for a look inside)
#
# Output: one line per result, `os-test: ok NAME detail`, `os-test: FAIL NAME detail`,
# `os-test: time NAME SECONDS`; the last line is `os-test: N ok, N failed`. Exit 1 on a failure.
# Needs root, debootstrap, systemd-container, qemu-user-static + binfmt-support (arm64), and
# 127.0.0.1:8080 and :8081 free: the container shares this machine's network (apt and npm need it).
set -euo pipefail

REPO="${OS_TEST_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DOC="$REPO/docs/install.md"
ARCH="$(dpkg --print-architecture)"
SUITE=bookworm
CHECKS=all
CACHE=/var/cache/e-korespondencja-os-test
KEEP=0
PORT=8080
OFFICE_PORT=8081
APP=e-korespondencja
GATEWAY=$APP-gateway.service

usage() { sed -n '2,21p' "$0"; }
die() {
  echo "os-test: ERROR: $*" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --suite) SUITE="$2"; shift 2 ;;
    --checks) CHECKS="$2"; shift 2 ;;
    --cache) CACHE="$(realpath -m "$2")"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
case "$CHECKS" in all | smoke | boot) ;; *) die "--checks is all, smoke or boot" ;; esac
[ "$(id -u)" -eq 0 ] || die "run as root"
for tool in debootstrap systemd-nspawn nsenter curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install debootstrap systemd-container curl)"
done
for port in $PORT $OFFICE_PORT; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    die "port $port is busy on this machine; the container shares its network"
  fi
done

OK=0
FAILED=0
ok() { OK=$((OK + 1)); echo "os-test: ok $*"; }
fail() { FAILED=$((FAILED + 1)); echo "os-test: FAIL $*"; }
timing() { echo "os-test: time $1 $2"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# The Debian mirror this machine's apt uses (deb822 or one-line sources).
debian_mirror() {
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

enable_qemu() {
  [ "$ARCH" = "$(dpkg --print-architecture)" ] && return 0
  [ "$ARCH" = arm64 ] || die "only arm64 is emulated"
  command -v update-binfmts >/dev/null || die "apt-get install qemu-user-static binfmt-support"
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 binfmt is not enabled"
}

# A minimal Debian with systemd, built once per suite and architecture.
ensure_root() {
  BASE="$CACHE/$SUITE-$ARCH"
  [ -f "$BASE/.os-test-complete" ] && return 0
  local started
  started="$(now)"
  rm -rf "$BASE.partial"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase --arch="$ARCH" --include=systemd,systemd-sysv,dbus \
    "$SUITE" "$BASE.partial" "$(debian_mirror)" >"$CACHE/debootstrap-$SUITE-$ARCH.log" 2>&1 ||
    die "debootstrap failed, see $CACHE/debootstrap-$SUITE-$ARCH.log"
  echo os-test >"$BASE.partial/etc/hostname"
  # A throw-away root on a shared CI disk: dpkg need not fsync each of npm's ~400 packages' files.
  echo force-unsafe-io >"$BASE.partial/etc/dpkg/dpkg.cfg.d/os-test-unsafe-io"
  touch "$BASE.partial/.os-test-complete"
  rm -rf "$BASE"
  mv -T "$BASE.partial" "$BASE"
  timing debootstrap "$(since "$started")"
}

RUN=""
MERGED=""
NSPAWN_PID=""
LEADER=""
cleanup() {
  stop_container || true
  if [ -n "$MERGED" ] && mountpoint -q "$MERGED"; then umount "$MERGED" || umount -l "$MERGED"; fi
  if [ -n "$RUN" ] && [ "$KEEP" -eq 0 ]; then rm -rf "$RUN"; fi
  if [ "$KEEP" -eq 1 ] && [ -n "$RUN" ]; then echo "os-test: kept $RUN"; fi
}
trap cleanup EXIT

# A fresh writable root for this run: an overlay over the cached one.
prepare_run() {
  RUN="$CACHE/run-$ARCH-$$"
  MERGED="$RUN/root"
  mkdir -p "$RUN/upper" "$RUN/work" "$MERGED" "$CACHE/apt-$SUITE-$ARCH" "$CACHE/npm"
  mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$RUN/upper,workdir=$RUN/work" "$MERGED"
  # This machine's own certificate authorities (a TLS-inspecting proxy, say): the container reaches
  # the npm registry through this machine's network, so it trusts what this machine trusts. The
  # ca-certificates package adds them to the bundle when the installer brings it.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$MERGED/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$MERGED/usr/local/share/ca-certificates/"
    echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$MERGED/etc/npmrc"
  fi
  # The release archive, made on this machine with the guide's command (its "computer" step).
  (cd "$REPO" && bash -euo pipefail -c "$(doc_step release)") >"$RUN/release.log" 2>&1 ||
    die "the release step failed: $(tail -n 5 "$RUN/release.log")"
  mv "$REPO/e-korespondencja.tar.gz" "$MERGED/root/e-korespondencja.tar.gz"
}

start_container() {
  mountpoint -q /run/systemd/nspawn || { mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn; }
  BOOT_STARTED="$(now)"
  # Downloads are kept between runs: apt's archive and npm's cache live in $CACHE.
  systemd-nspawn --register=no --keep-unit --quiet --console=read-only -D "$MERGED" \
    --machine="ekor-os-test-$ARCH-$$" \
    --bind="$CACHE/apt-$SUITE-$ARCH:/var/cache/apt/archives" --bind="$CACHE/npm:/root/.npm" \
    -b >"$RUN/console.log" 2>&1 </dev/null &
  NSPAWN_PID=$!
  local deadline=$((SECONDS + 120)) pid
  LEADER=""
  while [ -z "$LEADER" ] && [ "$SECONDS" -lt "$deadline" ]; do
    for pid in $(pgrep -P "$NSPAWN_PID" || true); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && LEADER="$pid"
    done
    kill -0 "$NSPAWN_PID" 2>/dev/null || die "systemd-nspawn exited: $(tail -n 20 "$RUN/console.log")"
    [ -n "$LEADER" ] || sleep 0.2
  done
  [ -n "$LEADER" ] || die "no systemd inside the container"
  local state=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    state="$(inside systemctl is-system-running 2>/dev/null || true)"
    case "$state" in running | degraded) break ;; esac
    sleep 0.5
  done
  case "$state" in running | degraded) ;; *) die "the container did not finish booting ($state)" ;; esac
}

stop_container() {
  [ -n "$NSPAWN_PID" ] || return 0
  if kill -0 "$NSPAWN_PID" 2>/dev/null; then
    inside systemctl poweroff >/dev/null 2>&1 || kill -TERM "$NSPAWN_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 60))
    while kill -0 "$NSPAWN_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    kill -KILL "$NSPAWN_PID" 2>/dev/null || true
  fi
  wait "$NSPAWN_PID" 2>/dev/null || true
  NSPAWN_PID=""
  LEADER=""
}

# Runs a command inside the booted container, as root, in a login-like environment.
inside() {
  nsenter -t "$LEADER" -a -- /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# The command block under `<!-- os-test: NAME -->` in docs/install.md.
doc_step() {
  local block
  block="$(awk -v name="$1" '
    $0 ~ "<!-- os-test: " name " -->" { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$DOC")"
  [ -n "$block" ] || die "docs/install.md has no step \"$1\""
  printf '%s\n' "$block"
}

# Runs a documented step inside the container as the technician would (root: `sudo` is a no-op).
run_step() {
  inside bash -c "set -euo pipefail; cd /root; sudo() { \"\$@\"; }; $(doc_step "$1")"
}

unit() { inside systemctl show -P "$2" "$1"; }
healthz() { inside curl -fsS --max-time 5 "http://127.0.0.1:$PORT/healthz"; }
wait_for() {
  local seconds="$1" deadline
  shift
  deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}
healthy() { healthz | grep -q '"db":{"status":"ok"'; }
pid_changed() { local p; p="$(unit "$GATEWAY" MainPID)"; [ "$p" != 0 ] && [ "$p" != "$1" ]; }
watchdog_logged() { inside journalctl -u "$GATEWAY" --no-pager -o cat | grep -q "Watchdog timeout"; }
active() { [ "$(unit "$GATEWAY" ActiveState)" = active ]; }

# ---------------------------------------------------------------------------------------------
check_install() {
  local started
  run_step unpack
  started="$(now)"
  if run_step install >"$RUN/install-1.log" 2>&1; then
    ok install "$(inside node --version) npm $(inside npm --version), $(since "$started")s"
  else
    fail install "$(tail -n 30 "$RUN/install-1.log")"
    return 1
  fi
  timing install "$(since "$started")"
  run_step check >"$RUN/check.log" 2>&1 || fail doc-check "$(cat "$RUN/check.log")"
}

check_active() {
  local state type status
  state="$(unit "$GATEWAY" ActiveState)/$(unit "$GATEWAY" SubState)"
  type="$(unit "$GATEWAY" Type)"
  status="$(unit "$GATEWAY" StatusText)"
  if [ "$state" = active/running ] && [ "$type" = notify ] && [[ "$status" == listening* ]]; then
    ok gateway-active "Type=notify, READY=1 with status \"$status\""
  else
    fail gateway-active "$state Type=$type status=\"$status\""
  fi
  local body
  body="$(healthz || true)"
  if echo "$body" | grep -q '"db":{"status":"ok"' && echo "$body" | grep -q '"register":{"status":"ok"'; then
    ok healthz "200, db and register ok: $(echo "$body" | head -c 400)"
  else
    fail healthz "$body"
  fi
}

check_watchdog() {
  local pid restarts started
  pid="$(unit "$GATEWAY" MainPID)"
  restarts="$(unit "$GATEWAY" NRestarts)"
  started="$(now)"
  inside kill -STOP "$pid"
  if wait_for 120 pid_changed "$pid" && wait_for 90 healthy; then
    ok watchdog "SIGSTOP → restarted by systemd after $(since "$started")s (NRestarts $restarts → $(unit "$GATEWAY" NRestarts))"
    # systemd (PID 1) logs why it restarted the unit; journald may write it a moment later.
    if wait_for 20 watchdog_logged; then
      ok watchdog-journal "$(inside journalctl -u "$GATEWAY" --no-pager -o cat | grep -m1 "Watchdog timeout")"
    else
      fail watchdog-journal "no 'Watchdog timeout' in the journal; its last lines: $(inside journalctl -u "$GATEWAY" --no-pager -o cat -n 8 | tr '\n' '|')"
    fi
  else
    fail watchdog "still pid $pid after 120 s"
  fi
}

# An office key for the kill -9 check: the office API acknowledges an owners register, then the
# gateway dies without warning; the acknowledged owners must be there after the restart.
check_kill9() {
  local key secret before pid started csv
  local counts="select (select count(*) from owners) || ' ' || (select count(*) from flats) || ' ' || (select count(*) from ownership_shares)"
  read -r key secret < <(inside bash -c "cd /opt/$APP/current && runuser -u $APP -- env \
    CONFIG_FILE=/etc/$APP/config.json DATA_DIR=/var/lib/$APP node_modules/.bin/bun deploy/dev/os-test-office-key.ts")
  csv="/root/owners.csv"
  inside bash -c "printf 'building_id,building_address,city,flat_code,staircase,number,owner_id,first_name,surname,role\n' >$csv
    for i in \$(seq 1 200); do printf 'B1,Testowa 1,Radom,T1-%d,A,%d,O%d,Jan,Testowy%d,owner\n' \$i \$i \$i \$i >>$csv; done"
  if ! inside bash -c "cd /opt/$APP/current && node_modules/.bin/bun gateway/office/cli.ts owners push $csv \
      --url http://127.0.0.1:$OFFICE_PORT/office/v1 --key $key --secret $secret" >"$RUN/push.log" 2>&1; then
    fail kill9 "owners push was not acknowledged: $(tail -n 5 "$RUN/push.log")"
    return
  fi
  pid="$(unit "$GATEWAY" MainPID)"
  before="$(inside sqlite3 "/var/lib/$APP/gateway.sqlite" "$counts")"
  started="$(now)"
  inside kill -KILL "$pid"
  if wait_for 60 pid_changed "$pid" && wait_for 90 healthy; then
    local after integrity
    after="$(inside sqlite3 "/var/lib/$APP/gateway.sqlite" "$counts")"
    integrity="$(inside sqlite3 "/var/lib/$APP/gateway.sqlite" "pragma integrity_check")"
    if [ "$after" = "$before" ] && [ "$before" = "200 200 200" ] && [ "$integrity" = ok ]; then
      ok kill9 "restarted after $(since "$started")s; acknowledged owners/flats/shares kept ($after), integrity ok"
    else
      fail kill9 "owners $before → $after, integrity $integrity"
    fi
  else
    fail kill9 "not restarted after kill -9"
  fi
}

check_backup() {
  local next
  next="$(unit $APP-backup.timer NextElapseUSecRealtime)"
  if [ "$(unit $APP-backup.timer ActiveState)" = active ] && [ -n "$next" ]; then
    ok backup-timer "next run $next"
  else
    fail backup-timer "timer $(unit $APP-backup.timer ActiveState), next '$next'"
  fi
  if inside systemctl start $APP-backup.service && [ "$(unit $APP-backup.service Result)" = success ] &&
    inside bash -c "ls /var/lib/$APP/backups/ | grep -q ." ; then
    ok backup-service "succeeded: $(inside ls /var/lib/$APP/backups/ | tr '\n' ' ')"
  else
    fail backup-service "$(inside journalctl -u $APP-backup.service --no-pager | tail -n 10)"
  fi
}

check_reinstall() {
  local pid restarts started
  pid="$(unit "$GATEWAY" MainPID)"
  restarts="$(unit "$GATEWAY" NRestarts)"
  started="$(now)"
  if run_step install >"$RUN/install-2.log" 2>&1 && grep -q "is already current" "$RUN/install-2.log" &&
    ! grep -qE "install: (wrote|created|installing|release .* staged)" "$RUN/install-2.log" &&
    [ "$(unit "$GATEWAY" MainPID)" = "$pid" ]; then
    ok reinstall "no-op in $(since "$started")s: nothing written, gateway not restarted (pid $pid)"
  else
    fail reinstall "$(cat "$RUN/install-2.log")"
  fi
}

# An update whose gateway never becomes healthy: the installer must put the previous one back.
check_rollback() {
  local current
  current="$(inside readlink /opt/$APP/current)"
  inside bash -c "rm -rf /root/broken && mkdir /root/broken && tar -xzf /root/e-korespondencja.tar.gz -C /root/broken &&
    sed -i '1i throw new Error(\"os-test: this release cannot start\");' /root/broken/gateway/main.ts"
  if inside bash -c "cd /root/broken && deploy/install.sh --health-timeout 30" >"$RUN/install-broken.log" 2>&1; then
    fail rollback "the broken release was accepted"
    return
  fi
  if grep -q "rolled back" "$RUN/install-broken.log" && [ "$(inside readlink /opt/$APP/current)" = "$current" ] &&
    wait_for 90 healthy; then
    ok rollback "broken release refused, current still $current and healthy"
  else
    fail rollback "$(tail -n 5 "$RUN/install-broken.log"); current $(inside readlink /opt/$APP/current)"
  fi
}

check_units() {
  local gammu
  gammu="$(inside systemctl is-enabled gammu-smsd.service 2>/dev/null || true)"
  if [ "$gammu" = masked ]; then ok gammu-masked; else fail gammu-masked "gammu-smsd.service is $gammu"; fi
  local journal
  journal="$(inside journalctl -b -u systemd-journald --no-pager -o cat | grep -E "^System Journal" | tail -n 1)"
  # bookworm's journald says "max 200.0M", trixie's "max 200M".
  if [[ "$journal" =~ max\ 200(\.0)?M ]]; then ok journald-limits "$journal"; else fail journald-limits "'$journal'"; fi
  for u in $APP-kiosk.service $APP-screen.service $APP-backup.timer $GATEWAY; do
    [ "$(inside systemctl is-enabled "$u" 2>/dev/null)" = enabled ] || fail enabled "$u is not enabled"
  done
}

check_security() {
  local line score
  line="$(inside systemd-analyze security --no-pager "$GATEWAY" 2>&1 | grep "Overall exposure level" || true)"
  score="$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')"
  if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    ok security "systemd-analyze security $GATEWAY: $score"
  else
    fail security "systemd-analyze security $GATEWAY: '${score:-$line}' (aim ≤ 2.0)"
  fi
  echo "os-test: score $score"
}

# The kiosk unit as installed, with what a container lacks swapped out by a drop-in: no tty1 or
# logind seat (cage runs its headless backend), Chromium without its sandbox and with a DevTools
# port to ask which page it shows.
DEVTOOLS_PORT=""
kiosk_page() {
  curl -fsS --max-time 2 "http://127.0.0.1:$DEVTOOLS_PORT/json" 2>/dev/null | grep -q '"title": "e-Korespondencja"'
}
check_kiosk() {
  local started
  # Under qemu-user Chromium cannot start its GPU, network or renderer processes (error_code=1002,
  # then "GPU process isn't usable. Goodbye."): an emulated root runs them inside the browser
  # process. A real Pi runs natively and gets none of these flags.
  local emulated=""
  [ "$ARCH" = "$(dpkg --print-architecture)" ] || emulated=" --no-zygote --single-process --in-process-gpu"
  DEVTOOLS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 9333)"
  inside bash -c "mkdir -p /etc/systemd/system/$APP-kiosk.service.d && cat >/etc/systemd/system/$APP-kiosk.service.d/os-test.conf" <<EOF
[Service]
TTYPath=
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
StandardInput=null
UtmpIdentifier=
PAMName=
SupplementaryGroups=
RuntimeDirectory=$APP-kiosk
RuntimeDirectoryMode=0700
Environment=XDG_RUNTIME_DIR=/run/$APP-kiosk WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
Environment="KIOSK_EXTRA_FLAGS=--remote-debugging-port=$DEVTOOLS_PORT --no-sandbox --disable-gpu$emulated"
EOF
  inside systemctl daemon-reload
  started="$(now)"
  inside systemctl restart $APP-kiosk.service
  if wait_for 120 kiosk_page; then
    ok kiosk "cage + Chromium show the kiosk UI $(since "$started")s after the kiosk unit started"
  else
    fail kiosk "no kiosk page: $(inside journalctl -u $APP-kiosk --no-pager | tail -n 15)"
  fi
}

# Start-up times as ratios to a bare `bun -e` in the same container (same CPU, same emulation).
check_startup() {
  local bare started healthy_s restart_s kiosk_s
  # The reference: the median of five bare `bun -e` starts of the release's Bun in the container.
  bare="$(inside bash -c "cd /opt/$APP/current && for i in 1 2 3 4 5; do
      s=\$(date +%s.%N); node_modules/.bin/bun -e 'process.exit(0)'; e=\$(date +%s.%N)
      awk -v a=\$s -v b=\$e 'BEGIN { printf \"%.3f\\n\", b - a }'; done | sort -n | sed -n 3p")"
  timing bare-bun "$bare"
  started="$(now)"
  inside systemctl restart "$GATEWAY"
  wait_for 120 healthy
  restart_s="$(since "$started")"
  timing restart-to-healthy "$restart_s"
  stop_container
  start_container_timed
  healthy_s="$(since "$BOOT_STARTED")"
  if [ -n "$DEVTOOLS_PORT" ]; then
    if wait_for 180 kiosk_page; then
      kiosk_s="$(since "$BOOT_STARTED")"
      timing boot-to-kiosk-page "$kiosk_s"
      ok boot-kiosk "container boot → kiosk page ${kiosk_s}s ($(ratio "$kiosk_s" "$bare")× bare bun -e)"
    else
      fail boot-kiosk "no kiosk page after a reboot"
    fi
  fi
  if healthy; then
    ok boot "container boot → gateway healthy ${healthy_s}s ($(ratio "$healthy_s" "$bare")× bare bun -e ${bare}s); restart → healthy ${restart_s}s ($(ratio "$restart_s" "$bare")×)"
  else
    fail boot "the gateway is not healthy after a reboot"
  fi
  timing boot-to-healthy "$healthy_s"
}
# The rules as the target's udev reads them: `udevadm test` parses every rules file and names
# each line it cannot use. No modem is plugged in here, so this proves the syntax, not a match
# (deploy/udevRules.test.ts checks the matches against `udevadm info` fixtures).
check_udev() {
  local rules=/etc/udev/rules.d/99-e-korespondencja.rules device output problems
  if ! inside test -x /usr/bin/udevadm; then
    fail udev-rules "udevadm is not installed on the target"
    return
  fi
  device="$(inside sh -c 'ls -d /sys/class/tty/tty* | head -n1')"
  output="$(inside udevadm test --action=add "$device" 2>&1 || true)"
  problems="$(echo "$output" | grep -F "$rules:" | grep -iE 'invalid|error|unknown|ignor' || true)"
  if ! echo "$output" | grep -qF "$rules"; then
    fail udev-rules "udevadm test did not read $rules: $(echo "$output" | tail -n 3 | tr '\n' '|')"
  elif [ -n "$problems" ]; then
    fail udev-rules "$(echo "$problems" | head -n 5 | tr '\n' '|')"
  else
    ok udev-rules "udevadm $(inside udevadm --version) read $rules ($(inside grep -cv '^\s*\(#\|$\)' "$rules") rules) without a complaint"
  fi
}

# Our rules against the recorded modems and printers, run by the target's own udevadm: each
# fixture (deploy/udev/fixtures, from `udevadm info`) becomes a sysfs tree (deploy/dev/fakeSysfs.ts)
# bound over /sys in a private mount namespace. Expected: fixture, the name it gets ("-" for
# none), whether ModemManager is told to keep off (1) or not (-). The Pi's serial0 fixtures need
# Raspberry Pi OS's own serial0 rule, which Debian lacks: deploy/udevRules.test.ts covers them.
UDEV_EXPECTED=(
  "e3372h-1442-if00 gsm-modem 1" "e3372h-1442-if02 - 1" "e3372s-1506-if00 gsm-modem 1"
  "sim7600-9001-if02 gsm-modem 1" "sim7600-9011-if04 gsm-modem 1" "sim7600-9011-if02 - 1"
  "sim800-ch340 gsm-modem 1" "e3372h-hilink-14dc - -" "pos58-lp0 receipt-printer -"
)
check_udev_devices() {
  local line fixture want_name want_mm tree syspath output links mm got_name got_mm bad="" seen=0
  for line in "${UDEV_EXPECTED[@]}"; do
    read -r fixture want_name want_mm <<<"$line"
    # Under /root: the container mounts its own tmpfs on /tmp, which hides what is written here.
    tree="/root/ek-sysfs-$fixture"
    rm -rf "${MERGED:?}$tree"
    syspath="$("$REPO/node_modules/.bin/bun" "$REPO/deploy/dev/fakeSysfs.ts" "$REPO/deploy/udev/fixtures/$fixture.udev" "$MERGED$tree")"
    output="$(inside unshare -m sh -c "mount --bind $tree /sys && SYSTEMD_DEVICE_VERIFY_SYSFS=0 udevadm test --action=add $syspath" 2>&1 || true)"
    rm -rf "${MERGED:?}$tree"
    # systemd 252 prints the properties flush left, 257 indents them under "Properties:".
    links="$(echo "$output" | sed -n 's/^[[:space:]]*DEVLINKS=//p')"
    mm="$(echo "$output" | sed -n 's/^[[:space:]]*ID_MM_DEVICE_IGNORE=//p')"
    got_name="-"
    for name in gsm-modem receipt-printer; do
      if [[ " $links " == *" /dev/$name "* ]]; then got_name="$name"; fi
    done
    got_mm="${mm:--}"
    if ! echo "$output" | grep -q "^[[:space:]]*DEVPATH="; then
      bad+="$fixture: udevadm test did not run ($(echo "$output" | tail -n 2 | tr '\n' ' ')); "
    elif [ "$got_name" != "$want_name" ] || [ "$got_mm" != "$want_mm" ]; then
      bad+="$fixture: got $got_name/mm=$got_mm, want $want_name/mm=$want_mm; "
    fi
    seen=$((seen + 1))
  done
  if [ -z "$bad" ]; then
    ok udev-devices "$seen recorded devices through udevadm test: each modem's AT port is /dev/gsm-modem, the printer /dev/receipt-printer, every modem port hidden from ModemManager"
  else
    fail udev-devices "$bad"
  fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 0.01) }'; }
start_container_timed() {
  start_container
  wait_for 180 healthy || true
}

# ---------------------------------------------------------------------------------------------
TOTAL_STARTED="$(now)"
enable_qemu
ensure_root
prepare_run
start_container
timing container-boot "$(since "$BOOT_STARTED")"
if [ "$CHECKS" = boot ]; then
  ok boot-systemd "$(inside systemctl is-system-running || true) on $(inside uname -m), systemd $(inside systemctl --version | head -n1 | cut -d' ' -f2), failed units: $(inside systemctl --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')"
elif check_install; then
  check_active
  check_units
  check_security
  check_udev
  check_udev_devices
  if [ "$CHECKS" = all ]; then
    check_watchdog
    check_kill9
    check_backup
    check_reinstall
    check_rollback
  fi
  check_kiosk
  check_startup
fi
timing total "$(since "$TOTAL_STARTED")"
echo "os-test: $OK ok, $FAILED failed"
[ "$FAILED" -eq 0 ]
