#!/bin/sh
# deb postinst / rpm %post of the tray package (electron-builder passes it to fpm as afterInstall).
# A custom afterInstall replaces electron-builder's own, so this repeats what that one does (the
# /usr/bin link and the setuid Chromium sandbox helper), then installs the system-wide autostart entry.
set -e
APP_DIR='/opt/${sanitizedProductName}'
ln -sf "$APP_DIR/${executable}" '/usr/bin/${executable}'
# Chromium's setuid sandbox, for kernels that forbid unprivileged user namespaces.
chmod 4755 "$APP_DIR/chrome-sandbox" || true
install -D -m 0644 "$APP_DIR/resources/autostart/dlp-tray.desktop" /etc/xdg/autostart/dlp-tray.desktop
# Running sessions pick the tray up at their next login; nothing is started for them now.
exit 0
