#!/usr/bin/env bash
# SPEC §5, checked with the real renderers: an incident whose every user field holds hostile text is
# exported, and the Markdown is rendered by markdown-it and mermaid.js (from npm, pinned by
# package-lock.json) in headless Chromium (Debian's). Its structure must equal that of the same incident
# with harmless text. Usage: render_check.sh <path-to-hindsight>
set -euo pipefail
bin="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
command -v node >/dev/null || { echo "render_check: FAIL — node is missing (scripts/install-deps.sh)"; exit 1; }
[ -x "$chromium" ] || { echo "render_check: FAIL — $chromium is missing (scripts/install-deps.sh)"; exit 1; }

# The renderers come from the committed lockfile only; a second run reuses them.
if [ ! -d "$here/node_modules/mermaid" ] || [ ! -d "$here/node_modules/markdown-it" ]; then
    (cd "$here" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >&2)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for mode in hostile benign; do
    node "$here/scenario.mjs" "$mode" > "$work/$mode.txt"
    timeout 60 "$bin" console --db "$work/$mode.db" --as alice --now 2026-03-02T10:00:00Z \
        < "$work/$mode.txt" > "$work/$mode.out" 2>&1 ||
        { echo "render_check: FAIL — the $mode console script failed:"; tail -5 "$work/$mode.out"; exit 1; }
    timeout 30 "$bin" export INC-1 --transcript --db "$work/$mode.db" > "$work/$mode.md"
done
node "$here/page.mjs" "$work/hostile.md" "$work/benign.md" "$work/page.html"

# No network: the page and its scripts are file:// URLs, and background services are switched off.
# The virtual time budget lets mermaid's asynchronous rendering finish before the DOM is dumped.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
    --user-data-dir="$work/profile" --virtual-time-budget=30000 --dump-dom "file://$work/page.html" \
    > "$work/dom.html" 2> "$work/chromium.err" ||
    { echo "render_check: FAIL — chromium failed:"; tail -5 "$work/chromium.err"; exit 1; }
if ! node "$here/report.mjs" "$work/dom.html"; then
    [ -n "${RENDER_CHECK_KEEP:-}" ] && cp "$work"/*.md "$work/page.html" "$RENDER_CHECK_KEEP"/
    exit 1
fi
