#!/usr/bin/env bash
# The report's Markdown, checked with the real renderers: `hindsight report` over four incidents (several
# channels, severities and services, recurring factors, action items done and won't-do, hostile text where
# the report quotes users) is rendered by markdown-it and mermaid.js (from npm, pinned by package-lock.json)
# in headless Chromium (Debian's). Every chart must draw what its source says, every table keep its cells,
# and the hostile text stay text. The JSON form must parse and agree with the charts.
# Usage: report_check.sh <path-to-hindsight>
set -euo pipefail
bin="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
command -v node >/dev/null || { echo "report_check: FAIL — node is missing (scripts/install-deps.sh)"; exit 1; }
[ -x "$chromium" ] || { echo "report_check: FAIL — $chromium is missing (scripts/install-deps.sh)"; exit 1; }

# The renderers come from the committed lockfile only; a second run (or render_check.sh's) reuses them.
if [ ! -d "$here/node_modules/mermaid" ] || [ ! -d "$here/node_modules/markdown-it" ]; then
    (cd "$here" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >&2)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

node "$here/report_scenario.mjs" > "$work/script.txt"
timeout 60 "$bin" console --db "$work/r.db" --as alice --now 2026-03-02T10:00:00Z \
    < "$work/script.txt" > "$work/console.out" 2>&1 ||
    { echo "report_check: FAIL — the console script failed:"; tail -5 "$work/console.out"; exit 1; }
# A whole year around the scenario's day, so every incident and action item falls inside the window.
for format in md json; do
    timeout 30 "$bin" report --since 2026-01-01 --until 2026-12-31 --format "$format" --db "$work/r.db" \
        > "$work/report.$format" 2> "$work/report.err" ||
        { echo "report_check: FAIL — report --format $format failed:"; tail -5 "$work/report.err"; exit 1; }
done
node "$here/report_page.mjs" "$work/report.md" "$work/page.html"

# No network: the page and its scripts are file:// URLs, and background services are switched off.
# The virtual time budget lets mermaid's asynchronous rendering finish before the DOM is dumped.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
    --user-data-dir="$work/profile" --virtual-time-budget=30000 --dump-dom "file://$work/page.html" \
    > "$work/dom.html" 2> "$work/chromium.err" ||
    { echo "report_check: FAIL — chromium failed:"; tail -5 "$work/chromium.err"; exit 1; }
if ! node "$here/report_verdict.mjs" "$work/dom.html" "$work/report.json"; then
    [ -n "${RENDER_CHECK_KEEP:-}" ] && cp "$work"/report.* "$work/page.html" "$RENDER_CHECK_KEEP"/
    exit 1
fi
