# Downgrade refusal shared by the packages' scripts (inlined at build time, like response-file.sh):
# a newer version may have migrated the data in a way the older one cannot read.

# dlp_refuse_deb_downgrade PACKAGE INSTALLED_VERSION PACKAGE_VERSION: fails when the installed version
# (preinst's $2 on upgrade) is newer than this package's.
dlp_refuse_deb_downgrade() {
  if [ -n "$2" ] && dpkg --compare-versions "$2" gt "$3"; then
    echo "$1: refusing to downgrade from $2 to $3: the newer version may have migrated its data" >&2
    return 1
  fi
}

# dlp_refuse_rpm_downgrade PACKAGE PACKAGE_VERSION: fails when a newer version is installed (rpm itself
# refuses an older package; this covers `rpm -U --oldpackage` and `dnf downgrade`).
dlp_refuse_rpm_downgrade() {
  command -v rpm >/dev/null || return 0
  installed=$(rpm -q --qf '%{VERSION}\n' "$1" 2>/dev/null | sort -V | tail -n 1)
  newest=$(printf '%s\n%s\n' "$installed" "$2" | sort -V | tail -n 1)
  if [ -n "$installed" ] && [ "$newest" != "$2" ]; then
    echo "$1: refusing to downgrade from $installed to $2: the newer version may have migrated its data" >&2
    return 1
  fi
}
