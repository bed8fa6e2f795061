#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real peers. Runs before `npm test`; needs root (or sudo) only
# when something is missing, and returns at once when everything is there.
#   - sqlite3 CLI (tamper tests): required, a failure stops `npm test`
#   - rsyslog + rsyslog-gnutls + rsyslog-elasticsearch, logrotate (file rotation tests), bsdutils' logger, openssl (syslog sender tests)
#   - chromium (web UI tests), softflowd + nfdump (NetFlow/IPFIX exporter and reference collector), openssh-server +
#     hydra + sshpass (a real brute force on loopback), nmap (a real port scan on loopback)
#   - syslog-ng-core for loggen: conflicts with rsyslog, so it is not installed but unpacked (apt-get download +
#     dpkg -x, no root needed) into node_modules/.cache/vigil-test-deps/syslog-ng with the libraries it lacks
# What could not be installed for the syslog tests is written to node_modules/.cache/vigil-test-deps/status; those
# tests skip, naming the reason, only when it is recorded there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/node_modules/.cache/vigil-test-deps"
SNG="$CACHE/syslog-ng"
STATUS="$CACHE/status"
SNG_LIBS=(libivykis0 libnet1 libpcre3 libwrap0 libglib2.0-0 libjson-c5 libcap2 libssl3)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
  [ $updated -eq 1 ] && return 0
  updated=1
  $SUDO apt-get update -qq
}
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# --- required: sqlite3 ---
if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "test-deps: installing sqlite3" >&2
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends sqlite3 >/dev/null
fi

# --- syslog senders: failures are recorded, not fatal ---
mkdir -p "$CACHE"
status=()

apt_pkgs=()
installed rsyslog || apt_pkgs+=(rsyslog)
installed rsyslog-gnutls || apt_pkgs+=(rsyslog-gnutls)
installed rsyslog-elasticsearch || apt_pkgs+=(rsyslog-elasticsearch)
installed logrotate || apt_pkgs+=(logrotate)
command -v logger >/dev/null 2>&1 || apt_pkgs+=(bsdutils)
command -v openssl >/dev/null 2>&1 || apt_pkgs+=(openssl)
PEERS=(chromium softflowd nfdump openssh-server hydra sshpass nmap)
for p in "${PEERS[@]}"; do installed "$p" || apt_pkgs+=("$p"); done
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  echo "test-deps: installing ${apt_pkgs[*]}" >&2
  # no service may start from the packages' scripts: deny through policy-rc.d unless the machine already has one
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy" || policy=""
  fi
  ok=1
  if ! { apt_update && $SUDO apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null; }; then ok=0; fi
  [ -n "$policy" ] && $SUDO rm -f "$policy"
  if installed rsyslog; then
    # the tests run their own rsyslogd in the foreground; the system one is neither wanted nor left running
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl disable --now rsyslog.service >/dev/null 2>&1 || true
    fi
    if [ -s /run/rsyslogd.pid ]; then
      $SUDO kill "$(cat /run/rsyslogd.pid)" >/dev/null 2>&1 || true
    fi
  fi
  [ $ok -eq 1 ] || status+=("apt: apt-get install ${apt_pkgs[*]} failed")
fi
installed rsyslog || status+=("rsyslog: not installed (apt-get install rsyslog failed)")
installed rsyslog-gnutls || status+=("rsyslog-gnutls: not installed (apt-get install rsyslog-gnutls failed)")
installed rsyslog-elasticsearch || status+=("rsyslog-elasticsearch: not installed (apt-get install rsyslog-elasticsearch failed)")
installed logrotate || status+=("logrotate: not installed (apt-get install logrotate failed)")
command -v logger >/dev/null 2>&1 || status+=("logger: not installed")
command -v openssl >/dev/null 2>&1 || status+=("openssl: not installed")
for p in "${PEERS[@]}"; do installed "$p" || status+=("$p: not installed (apt-get install $p failed)"); done
if installed openssh-server && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  # the tests run their own sshd on a private port; the system one is not left running
  $SUDO systemctl disable --now ssh.service >/dev/null 2>&1 || true
fi

if [ ! -f "$SNG/.complete" ]; then
  echo "test-deps: unpacking syslog-ng-core (loggen) into $SNG" >&2
  sng_ok=0
  dl="$CACHE/debs"
  rm -rf "$SNG" "$dl"
  mkdir -p "$dl"
  want=(syslog-ng-core)
  for p in "${SNG_LIBS[@]}"; do installed "$p" || want+=("$p"); done
  # apt-get download as root warns that _apt cannot write here; the download itself works
  if (cd "$dl" && apt-get download -qq "${want[@]}" >/dev/null 2>&1) ||
    { apt_update && (cd "$dl" && apt-get download -qq "${want[@]}" >/dev/null 2>&1); }; then
    sng_ok=1
    for deb in "$dl"/*.deb; do dpkg -x "$deb" "$SNG" || sng_ok=0; done
  fi
  rm -rf "$dl"
  if [ $sng_ok -eq 1 ] && [ -x "$SNG/usr/bin/loggen" ]; then
    touch "$SNG/.complete"
  else
    status+=("syslog-ng: apt-get download ${want[*]} or dpkg -x failed")
  fi
fi

if [ ${#status[@]} -gt 0 ]; then
  printf '%s\n' "${status[@]}" >"$STATUS"
  echo "test-deps: some tests with real peers will be skipped:" >&2
  printf '  %s\n' "${status[@]}" >&2
else
  : >"$STATUS"
fi
