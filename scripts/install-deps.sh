#!/usr/bin/env bash
# The one list of what hindsight needs from Debian 12. Both README commands (run and test) call this,
# and so does CI through the test command. It installs only what is missing, so a second run is quick.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libssl-dev
  nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev
  libspdlog-dev libfmt-dev catch2 libtomlplusplus-dev libcli11-dev
  libhowardhinnant-date-dev tzdata
  clang-format curl
  chromium prometheus-alertmanager
)
# tests/render renders the exported postmortem with markdown-it and mermaid (npm) in headless chromium.
# A machine with node and npm from elsewhere keeps them: Debian's npm would conflict with that node.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
