# Sourced by the install tests (install-in-debootstrap.sh, install-console-in-debootstrap.sh): a copy
# of a clean Debian root (debootstrap minbase + systemd, no compiler, no Node), and the package
# manager's verbs in it for the .deb (dpkg inside the root) and the .rpm (rpm --root from the host,
# --nodeps: the root's libraries belong to dpkg; the scriptlets run inside the root).
#
# The caller sets PACKAGE_NAME, then calls `clean_root_args "$@"` and `clean_root_prepare`, and calls
# `clean_root_cleanup` from its EXIT trap after stopping its own processes.
# The clean root is cached in /var/cache/dlp-debootstrap/bookworm-minbase (DLP_DEBOOTSTRAP_ROOT), made
# once with --make-root (1 to 1.5 minutes, 240 MB); each run works on a copy of it.
# DLP_DEBOOTSTRAP_SUITE=bullseye makes and uses a Debian 11 root instead (glibc 2.31, older than this
# machine's 2.36 and than the 2.34 a dynamically linked helper would need: the agent package
# promises 2.28).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
SUITE=${DLP_DEBOOTSTRAP_SUITE:-bookworm}
CACHE=${DLP_DEBOOTSTRAP_ROOT:-/var/cache/dlp-debootstrap/$SUITE-minbase}
HOST_NODE=$(command -v node)

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
now_ms() { echo "$(( $(date +%s%N) / 1000000 ))"; }
elapsed() { echo "$(( $(now_ms) - $1 ))"; }

# clean_root_args [--make-root] [--rpm] [PACKAGE_FILE]: sets MAKE_ROOT, FORMAT and PACKAGE_FILE (the
# argument, else the newest built one in dist/packages).
clean_root_args() {
  MAKE_ROOT=no
  FORMAT=deb
  if [ "${1:-}" = --make-root ]; then MAKE_ROOT=yes; shift; fi
  if [ "${1:-}" = --rpm ]; then FORMAT=rpm; shift; fi
  if [ $FORMAT = deb ]; then
    PACKAGE_FILE=${1:-$(ls "$REPO/dist/packages/${PACKAGE_NAME}_"*_amd64.deb 2>/dev/null | head -n 1)}
  else
    PACKAGE_FILE=${1:-$(ls "$REPO/dist/packages/$PACKAGE_NAME-"*.x86_64.rpm 2>/dev/null | head -n 1)}
  fi
}

# clean_root_prepare: checks the machine, makes the cached root if asked (else exits 77 without it),
# copies it to $ROOT (under $WORK), mounts /proc, /sys and /dev there and puts the package in
# /tmp/$PACKAGE_NAME.$FORMAT of the root.
clean_root_prepare() {
  [ "$(id -u)" = 0 ] || fail "must run as root (dpkg and chroot)"
  [ -f "$PACKAGE_FILE" ] || fail "no package: build it first (npm run package / npm run package:console) or pass it"
  if [ ! -d "$CACHE" ]; then
    if [ "$MAKE_ROOT" = no ]; then
      echo "SKIP: no cached Debian root at $CACHE; make it once with: $0 --make-root (1 to 1.5 min, 240 MB download)"
      exit 77
    fi
    local started
    started=$(now_ms)
    debootstrap --variant=minbase --include=systemd "$SUITE" "$CACHE.tmp"
    mv "$CACHE.tmp" "$CACHE"
    echo "made $CACHE in $(elapsed "$started") ms"
  fi
  WORK=$(mktemp -d /tmp/dlp-install-test.XXXXXX)
  ROOT=$WORK/root
  cp -a "$CACHE" "$ROOT"
  mount -t proc proc "$ROOT/proc"
  mount -t sysfs sysfs "$ROOT/sys"
  mount --bind /dev "$ROOT/dev"
  cp "$PACKAGE_FILE" "$ROOT/tmp/$PACKAGE_NAME.$FORMAT"
  [ $FORMAT = deb ] || rpm --root "$ROOT" --initdb
  local tool
  for tool in cc gcc make node nodejs; do
    if in_root sh -c "command -v $tool" >/dev/null; then fail "the clean root has $tool"; fi
  done
  pass "clean root without a compiler or Node (Debian $SUITE, $(in_root ldd --version | head -n 1))"
}

# clean_root_cleanup STATUS [EXTRA_MOUNT…]: unmounts, keeps the logs of a failed run, deletes the copy.
clean_root_cleanup() {
  local status=$1 mount
  shift
  [ -n "${WORK:-}" ] || return 0
  for mount in "$@" dev sys proc; do umount -l "$ROOT/$mount" 2>/dev/null || true; done
  if [ "$status" != 0 ]; then
    # Keep the logs (service, console, package manager) of a failed run; the root copy goes.
    mkdir -p "$WORK.logs" && find "$WORK" -maxdepth 1 -type f -exec cp {} "$WORK.logs/" \;
    echo "logs of the failed run: $WORK.logs" >&2
  fi
  rm -rf "$WORK"
}

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# pkg_install FILE_IN_ROOT [DPKG_OPTION…]: installs or upgrades with the format's package manager.
pkg_install() {
  local file=$1
  shift
  if [ $FORMAT = deb ]; then in_root dpkg "$@" -i "$file"; else rpm --root "$ROOT" -U --replacepkgs --nodeps "$ROOT$file"; fi
}

# pkg_status: prints installed or not-installed.
pkg_status() {
  if [ $FORMAT = deb ]; then
    case $(in_root dpkg-query -W -f '${db:Status-Status}' "$PACKAGE_NAME" 2>/dev/null || echo unknown) in installed) echo installed ;; *) echo not-installed ;; esac
  else
    rpm --root "$ROOT" -q "$PACKAGE_NAME" > /dev/null 2>&1 && echo installed || echo not-installed
  fi
}

# repack_deb VERSION OUTPUT_IN_ROOT: the package under test with another version number (its preinst
# knows its own version for the downgrade check). Files in $WORK/repack may be changed before by
# REPACK_EDIT (a command run in the unpacked tree).
repack_deb() {
  rm -rf "$WORK/repack"
  dpkg-deb -R "$PACKAGE_FILE" "$WORK/repack"
  sed -i "s/^Version: .*/Version: $1/" "$WORK/repack/DEBIAN/control"
  sed -i "s/^package_version='.*'/package_version='$1'/" "$WORK/repack/DEBIAN/preinst"
  if [ -n "${REPACK_EDIT:-}" ]; then (cd "$WORK/repack" && eval "$REPACK_EDIT"); fi
  dpkg-deb -Znone --root-owner-group -b "$WORK/repack" "$ROOT$2" > /dev/null
}

# expect_downgrade_refused NEWER_VERSION PACKAGE_VERSION (.deb): the package under test, installed over
# NEWER_VERSION, is refused by its preinst with the message, and NEWER_VERSION stays installed.
expect_downgrade_refused() {
  if in_root dpkg -i "/tmp/$PACKAGE_NAME.deb" > "$WORK/downgrade.log" 2>&1; then fail "downgrade accepted"; fi
  grep -qF "$PACKAGE_NAME: refusing to downgrade from $1 to $2" "$WORK/downgrade.log" || { cat "$WORK/downgrade.log"; fail "downgrade message"; }
  [ "$(in_root dpkg-query -W -f '${Version} ${Status}' "$PACKAGE_NAME")" = "$1 install ok installed" ] || fail "the downgrade attempt broke the installed package"
  pass "downgrade from $1 to $2 refused, $1 still installed"
}

# report_passed INSTALL_MS: the last line of a passed run.
report_passed() {
  echo "PASS: $(basename "$PACKAGE_FILE") ($(stat -c %s "$PACKAGE_FILE") bytes), install $1 ms"
}
