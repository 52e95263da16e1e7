# %post: writes /etc/dlp/agent.json from the response file (checked by %pre), enrolls once when not
# enrolled yet (a refusal fails %post), keeps the data dir,
# enables the unit and (re)starts it when systemd runs and the agent is configured.
#RESPONSE_FILE_FUNCTIONS#
install -d -m 0755 /etc/dlp
install -d -m 0700 /var/lib/dlp-agent
if [ -e /etc/dlp/agent.conf ]; then
  dlp_configure /etc/dlp/agent.conf /etc/dlp/agent.json /var/lib/dlp-agent && echo "dlp-agent: configured from /etc/dlp/agent.conf"
  # A refused enrollment: agent.json is taken back out and %post fails (rpm reports it; the files stay).
  if [ -e /etc/dlp/agent.json ] && ! dlp_enroll_now /etc/dlp/agent.json /var/lib/dlp-agent; then exit 1; fi
elif [ ! -e /etc/dlp/agent.json ]; then
  echo "dlp-agent: installed, not configured: write /etc/dlp/agent.conf (see the agent.conf.example in the package's documentation) and run: dlp-agent configure"
fi
systemctl enable dlp-agent.service >/dev/null 2>&1 || true
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  if [ -e /etc/dlp/agent.json ]; then systemctl restart dlp-agent.service >/dev/null 2>&1 || true; fi
fi
exit 0
