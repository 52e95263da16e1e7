# %pre ($1: 1 on install, 2 or more on upgrade): refuses a downgrade, and checks
# /etc/dlp/agent.conf before anything is unpacked; a failing %pre installs nothing.
set -e
#RESPONSE_FILE_FUNCTIONS#
package_version='#VERSION#'
if [ "$1" -gt 1 ] && command -v rpm >/dev/null; then
  installed=$(rpm -q --qf '%{VERSION}\n' dlp-agent 2>/dev/null | sort -V | tail -n 1)
  newest=$(printf '%s\n%s\n' "$installed" "$package_version" | sort -V | tail -n 1)
  if [ -n "$installed" ] && [ "$newest" != "$package_version" ]; then
    echo "dlp-agent: refusing to downgrade from $installed to $package_version: the newer agent may have migrated its data (outbox, policies)" >&2
    exit 1
  fi
fi
if [ -e /etc/dlp/agent.conf ]; then
  if ! dlp_read_response_file /etc/dlp/agent.conf || ! dlp_check_response /var/lib/dlp-agent; then
    echo "dlp-agent: not installed: fix /etc/dlp/agent.conf (problems above) and install again" >&2
    exit 1
  fi
fi
exit 0
