#!/usr/bin/env bash
# SPEC §10 against GitHub's own description: runs the end-to-end GitHub test of the binary (e2e_github) with
# the fake logging every request, then validates each request body against its operation's schema in
# @octokit/openapi (npm ci from the committed lockfile). Usage: github_contract.sh <e2e_github> <hindsight>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v node >/dev/null || { echo "github_contract: FAIL — node is missing (scripts/install-deps.sh)"; exit 1; }
if [ ! -f "$here/node_modules/@octokit/openapi/package.json" ] || [ ! -d "$here/node_modules/ajv" ]; then
    (cd "$here" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >&2)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
HINDSIGHT_FAKE_GITHUB_LOG="$work/requests.jsonl" timeout 240 "$1" "$2"
node "$here/validate_requests.mjs" "$work/requests.jsonl"
