# The console's service user and folders, shared by the .deb's and the .rpm's scripts (the build
# inlines this file where #CONSOLE_SETUP_FUNCTIONS# stands). POSIX sh; `useradd`/`groupadd` exist on
# Debian, Ubuntu, UOS, Kylin (passwd) and RHEL (shadow-utils) alike.

# dlp_console_user: the system group and user dlp-console: no password, no login shell, home = the
# data dir (not created here). Left as they are when they exist (an upgrade, or an admin's own).
dlp_console_user() {
  if ! getent group dlp-console >/dev/null; then
    groupadd --system dlp-console
  fi
  if ! getent passwd dlp-console >/dev/null; then
    useradd --system --gid dlp-console --home-dir /var/lib/dlp-console --no-create-home \
      --shell /usr/sbin/nologin --comment 'Endpoint DLP console' dlp-console
  fi
}

# dlp_console_folders: least privilege, on install and again on upgrade:
#   /var/lib/dlp-console      0700 dlp-console   database, signing key, self-signed TLS, reports
#   /etc/dlp                  0755 root          shared with the agent package
#   /etc/dlp/console-tls      0750 root:dlp-console   the admin's certificate and key (key 0640)
# The data dir's contents are never touched: an upgrade keeps every file in it.
dlp_console_folders() {
  install -d -m 0755 /etc/dlp
  install -d -m 0750 -o root -g dlp-console /etc/dlp/console-tls
  install -d -m 0700 -o dlp-console -g dlp-console /var/lib/dlp-console
}

# dlp_console_first_steps: what the admin does next, printed once after the first install.
dlp_console_first_steps() {
  echo "dlp-console: installed. Settings: /etc/dlp/console.env (listen address, TLS, PostgreSQL)."
  echo "dlp-console: the first admin's password is printed once at first start: journalctl -u dlp-console | grep 'First admin'"
  echo "dlp-console: or set one: sudo DLP_NEW_PASSWORD='…' dlp reset-password admin (after the first start)"
}
