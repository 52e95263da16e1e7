# %post ($1: 1 on install, 2 or more on upgrade): the folders; on a first install enable and start
# the service (an upgrade restarts it in %postun, once the old files are gone).
#CONSOLE_SETUP_FUNCTIONS#
dlp_console_folders
if [ "$1" -eq 1 ]; then
  systemctl enable dlp-console.service >/dev/null 2>&1 || true
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    systemctl start dlp-console.service >/dev/null 2>&1 || true
  fi
  dlp_console_first_steps
fi
exit 0
