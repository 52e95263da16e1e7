#!/bin/sh
# Builds the Endpoint DLP product archive for macOS (agent LaunchDaemon + tray LaunchAgent) with
# pkgbuild and productbuild. NOT BUILT OR RUN HERE: it needs macOS, the agent's macOS adapter (the
# agent has none yet), a macOS Node runtime and native modules, and the tray app built by
# electron-builder (`--mac dir`). README.md lists each input and what is missing.
#
#   installers/macos/build-pkg.sh VERSION ARCH(arm64|x64) TRAY_APP
#   e.g. installers/macos/build-pkg.sh 0.1.0 arm64 "dist/tray-packages/mac-arm64/DLP Tray.app"
# Output: dist/packages/dlp-agent-VERSION-ARCH.pkg (unsigned; productsign and notarytool need the
# company's Developer ID Installer certificate and an App Store Connect key).
set -eu
VERSION=$1
ARCH=$2
TRAY_APP=$3
case $ARCH in
  arm64) HOST_ARCH=arm64 ;;
  x64) HOST_ARCH=x86_64 ;;
  *) echo "build-pkg: ARCH must be arm64 or x64, not $ARCH" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The agent's files: the same bundle as the Linux package (its staged tree), a macOS Node runtime
# from the registry (node-darwin-ARCH, the version pinned in installers/linux/node-runtime.json) and
# native modules built for macOS.
STAGE="$REPO/dist/packages/stage/dlp-agent-amd64/usr/lib/dlp-agent"
[ -f "$STAGE/service.js" ] || { echo "build-pkg: run npm run package first (it stages service.js)" >&2; exit 1; }
NODE_VERSION=$(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$REPO/installers/linux/node-runtime.json" | head -n 1)
AGENT_ROOT="$WORK/agent-root"
LIB="$AGENT_ROOT/Library/EndpointDLP/Agent"
mkdir -p "$LIB" "$AGENT_ROOT/Library/LaunchDaemons"
(cd "$WORK" && npm pack "node-darwin-$ARCH@$NODE_VERSION" --silent >/dev/null && tar -xzf node-darwin-*.tgz package/bin/node)
cp "$WORK/package/bin/node" "$LIB/node"
cp "$STAGE/service.js" "$STAGE/VERSION" "$LIB/"
# sqlite3 and usb for darwin-ARCH: `npm rebuild` on the build Mac fills node_modules for it.
mkdir -p "$LIB/node_modules"
cp -R "$REPO/node_modules/sqlite3" "$REPO/node_modules/bindings" "$REPO/node_modules/file-uri-to-path" "$LIB/node_modules/"
cp "$HERE/io.endpoint-dlp.agent.plist" "$AGENT_ROOT/Library/LaunchDaemons/"

# Scripts: the Linux response-file checks inlined where #RESPONSE_FILE_FUNCTIONS# stands.
SCRIPTS="$WORK/agent-scripts"
mkdir -p "$SCRIPTS"
for script in preinstall postinstall; do
  awk -v functions="$REPO/installers/linux/common/response-file.sh" -v version="$VERSION" '
    $0 == "#RESPONSE_FILE_FUNCTIONS#" { while ((getline line < functions) > 0) print line; next }
    { gsub("#VERSION#", version); print }' "$HERE/scripts/agent/$script.in" > "$SCRIPTS/$script"
  chmod 0755 "$SCRIPTS/$script"
done

TRAY_ROOT="$WORK/tray-root"
mkdir -p "$TRAY_ROOT/Applications" "$TRAY_ROOT/Library/LaunchAgents"
cp -R "$TRAY_APP" "$TRAY_ROOT/Applications/"
cp "$HERE/io.endpoint-dlp.tray.plist" "$TRAY_ROOT/Library/LaunchAgents/"

OUT="$WORK/components"
mkdir -p "$OUT" "$REPO/dist/packages"
pkgbuild --root "$AGENT_ROOT" --scripts "$SCRIPTS" --identifier io.endpoint-dlp.agent --version "$VERSION" \
  --install-location / "$OUT/dlp-agent-component.pkg"
pkgbuild --root "$TRAY_ROOT" --component-plist "$HERE/tray-component.plist" --scripts "$HERE/scripts/tray" \
  --identifier io.endpoint-dlp.tray --version "$VERSION" --install-location / "$OUT/dlp-tray-component.pkg"
# The product runs only on the architecture its Node runtime was built for.
sed "s/#HOST_ARCH#/$HOST_ARCH/" "$HERE/Distribution.xml" > "$WORK/Distribution.xml"
productbuild --distribution "$WORK/Distribution.xml" --package-path "$OUT" \
  "$REPO/dist/packages/dlp-agent-$VERSION-$ARCH.pkg"
echo "build-pkg: dist/packages/dlp-agent-$VERSION-$ARCH.pkg"
