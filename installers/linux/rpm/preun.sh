# %preun ($1: 0 on erase, 1 on upgrade): stops and disables the service only when it is erased.
if [ "$1" -eq 0 ]; then
  # DPKG_ROOT is unset under rpm (which runs scriptlets inside --root); the installer tests set it.
  if [ -e "${DPKG_ROOT:-}/etc/dlp/agent.json" ]; then
    # In enforce mode removal needs an uninstall code from the console (see debian/prerm): a
    # refusal fails this scriptlet, and rpm keeps the package installed.
    set -- --config "${DPKG_ROOT:-}/etc/dlp/agent.json"
    [ -r "${DPKG_ROOT:-}/etc/dlp/uninstall-code" ] && set -- "$@" --code-file "${DPKG_ROOT:-}/etc/dlp/uninstall-code"
    "${DPKG_ROOT:-}/usr/lib/dlp-agent/node" "${DPKG_ROOT:-}/usr/lib/dlp-agent/service.js" authorize-uninstall "$@" || exit 1
  fi
  # Tells the agent why it stops: its stop event says "package removal" (a code's authorisation
  # wrote it already, naming the code).
  if [ -d "${DPKG_ROOT:-}/var/lib/dlp-agent" ] && [ ! -e "${DPKG_ROOT:-}/var/lib/dlp-agent/stop-reason" ]; then
    (umask 077 && echo package-removal >"${DPKG_ROOT:-}/var/lib/dlp-agent/stop-reason") || true
  fi
  if [ -d /run/systemd/system ]; then systemctl stop dlp-agent.service >/dev/null 2>&1 || true; fi
  systemctl disable dlp-agent.service >/dev/null 2>&1 || true
fi
exit 0
