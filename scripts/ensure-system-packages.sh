#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium for the browser tests (Playwright's own browser download
# is not used), the WenQuanYi fonts the printed PDFs embed for Chinese text, a Java runtime for the Nu HTML
# checker (tests/a11y) and npm, which installs that checker (make install-dev).
set -eu
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium"
[ -f "$FONT" ] || missing="$missing fonts-wqy-microhei"
command -v java >/dev/null || missing="$missing default-jre-headless"
command -v npm >/dev/null || missing="$missing npm"
[ -z "$missing" ] && exit 0
echo "Installing Debian packages:$missing …"
if [ "$(id -u)" = "0" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "请安装：sudo apt install$missing（或用 CHROMIUM_PATH 指向已安装的 Chromium）。" >&2
  exit 1
fi
