# %postun ($1: 0 on erase, 1 on upgrade): an upgrade restarts a running console on the new files.
# RPM has no purge: /var/lib/dlp-console (database, signing key, TLS) and the user stay after an
# erase, so a reinstall is the same console; delete them by hand to start afresh.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  if [ "$1" -ge 1 ]; then systemctl try-restart dlp-console.service >/dev/null 2>&1 || true; fi
fi
exit 0
