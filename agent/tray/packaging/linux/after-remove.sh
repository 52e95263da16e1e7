#!/bin/sh
# deb postrm / rpm %postun of the tray package. Only on a real removal: an upgrade runs the old
# package's script too (rpm: after the new package's %post, with $1 = 1), and must keep the entry.
case "$1" in
  remove|purge|0)
    rm -f /etc/xdg/autostart/dlp-tray.desktop '/usr/bin/${executable}'
    ;;
esac
exit 0
