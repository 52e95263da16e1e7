# %preun ($1: 0 on erase, 1 on upgrade): stops and disables the service only when it is erased.
if [ "$1" -eq 0 ]; then
  # Tells the agent why it stops: its stop event says "package removal" (see debian/prerm).
  # DPKG_ROOT is unset under rpm (which runs scriptlets inside --root); the installer tests set it.
  if [ -d "${DPKG_ROOT:-}/var/lib/dlp-agent" ]; then
    (umask 077 && echo package-removal >"${DPKG_ROOT:-}/var/lib/dlp-agent/stop-reason") || true
  fi
  if [ -d /run/systemd/system ]; then systemctl stop dlp-agent.service >/dev/null 2>&1 || true; fi
  systemctl disable dlp-agent.service >/dev/null 2>&1 || true
fi
exit 0
