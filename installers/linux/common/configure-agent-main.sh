# Main of /usr/lib/dlp-agent/configure-agent (appended after response-file.sh by the build):
# `dlp-agent configure [RESPONSE_FILE]` turns the response file into /etc/dlp/agent.json and
# restarts the service when systemd runs; nothing is written when the file has a problem.
response=${1:-/etc/dlp/agent.conf}
if [ "$(id -u)" != 0 ]; then
  echo "dlp-agent configure: must run as root" >&2
  exit 4
fi
if ! dlp_configure "$response" /etc/dlp/agent.json /var/lib/dlp-agent; then
  echo "dlp-agent configure: nothing changed; fix $response and run dlp-agent configure again" >&2
  exit 1
fi
echo "dlp-agent configure: wrote /etc/dlp/agent.json from $response"
dlp_enroll_now /etc/dlp/agent.json /var/lib/dlp-agent || exit 3
if [ -d /run/systemd/system ]; then
  systemctl enable dlp-agent.service >/dev/null 2>&1 || true
  systemctl restart dlp-agent.service
  echo "dlp-agent configure: dlp-agent.service restarted"
fi
