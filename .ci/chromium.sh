#!/usr/bin/env bash
# Debian's Chromium for the console's browser tests (Playwright drives it; no browser download),
# with a CJK font so screenshots show Chinese. Prints the browser's path.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >&2
fi
command -v chromium
