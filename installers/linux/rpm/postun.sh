# %postun: RPM has no purge; /etc/dlp/agent.json and /var/lib/dlp-agent (the enrollment) stay after an
# erase, so a reinstall is the same agent. Delete them by hand to start afresh.
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
if [ "$1" -eq 0 ]; then rm -f /etc/dlp/uninstall-code; fi # used (a code works once)
exit 0
