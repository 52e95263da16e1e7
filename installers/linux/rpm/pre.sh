# %pre ($1: 1 on install, 2 or more on upgrade): refuses a downgrade, and checks
# /etc/dlp/agent.conf before anything is unpacked; a failing %pre installs nothing.
set -e
#RESPONSE_FILE_FUNCTIONS#
#PACKAGE_VERSION_FUNCTIONS#
package_version='#VERSION#'
# The newer agent may have migrated its outbox and policies.
if [ "$1" -gt 1 ]; then dlp_refuse_rpm_downgrade dlp-agent "$package_version" || exit 1; fi
if [ -e /etc/dlp/agent.conf ]; then
  if ! dlp_read_response_file /etc/dlp/agent.conf || ! dlp_check_response /var/lib/dlp-agent; then
    echo "dlp-agent: not installed: fix /etc/dlp/agent.conf (problems above) and install again" >&2
    exit 1
  fi
fi
exit 0
