# %preun ($1: 0 on erase, 1 on upgrade): stops and disables the service only when it is erased.
if [ "$1" -eq 0 ]; then
  if [ -d /run/systemd/system ]; then systemctl stop dlp-console.service >/dev/null 2>&1 || true; fi
  systemctl disable dlp-console.service >/dev/null 2>&1 || true
fi
exit 0
