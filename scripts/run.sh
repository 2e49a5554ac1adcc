#!/usr/bin/env bash
# Installs what is missing, builds, and starts hindsight: connected to Slack/Mattermost when their credentials
# are in the environment, else the console demo. Extra arguments go to hindsight (e.g. --db demo.db).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hindsight
bin=build/release/hindsight
if [ -n "${SLACK_BOT_TOKEN:-}${SLACK_BOT_TOKEN_FILE:-}${MATTERMOST_TOKEN:-}${MATTERMOST_TOKEN_FILE:-}" ]; then
    config=${HINDSIGHT_CONFIG:-config/hindsight.example.toml}
    exec "$bin" run --config "$config" "$@"
fi
echo "No chat credentials in the environment: starting the console demo (type :help)." >&2
exec "$bin" console "$@"
