#!/usr/bin/env bash
# Sets up hindsight on a Mattermost server over REST, with an administrator's token:
#   1. creates the bot account (or finds it),
#   2. creates an access token for it,
#   3. adds it to the team,
#   4. registers the /incident slash command pointing at hindsight's POST /mattermost/command,
# and prints the three values hindsight needs. Needs curl and jq. Nothing is written to disk.
#
#   MM_ADMIN_TOKEN=… deploy/mattermost-setup.sh https://chat.example.com ops https://hindsight.example.com
#
# Arguments: the Mattermost server URL, the team's name (as in its URL), and the URL at which Mattermost
# reaches hindsight's HTTP listener. Optional: BOT_USERNAME (default hindsight), TRIGGER (default incident).
# If hindsight runs on a private address, add it to the System Console's "Allow untrusted internal
# connections to" (ServiceSettings.AllowedUntrustedInternalConnections), or Mattermost refuses to call it.
set -euo pipefail

server=${1:?usage: MM_ADMIN_TOKEN=… $0 SERVER_URL TEAM_NAME HINDSIGHT_URL}
team=${2:?usage: MM_ADMIN_TOKEN=… $0 SERVER_URL TEAM_NAME HINDSIGHT_URL}
hindsight=${3:?usage: MM_ADMIN_TOKEN=… $0 SERVER_URL TEAM_NAME HINDSIGHT_URL}
: "${MM_ADMIN_TOKEN:?set MM_ADMIN_TOKEN to a personal access token of a system administrator}"
bot=${BOT_USERNAME:-hindsight}
trigger=${TRIGGER:-incident}
server=${server%/}
hindsight=${hindsight%/}
for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "mattermost-setup: $tool is needed" >&2; exit 2; }
done

# One REST call; prints the body, fails with Mattermost's message on an error status.
api() {
    local method=$1 path=$2 body=${3:-}
    local out status
    out=$(mktemp)
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" \
        -H "Authorization: Bearer $MM_ADMIN_TOKEN" -H 'Content-Type: application/json' \
        ${body:+--data "$body"} "$server/api/v4$path")
    if [[ $status != 2* ]]; then
        echo "mattermost-setup: $method $path answered $status: $(jq -r '.message // .' < "$out" 2>/dev/null || cat "$out")" >&2
        rm -f "$out"
        return 1
    fi
    cat "$out"
    rm -f "$out"
}

echo "checking the administrator token…" >&2
api GET /users/me | jq -e '.roles | test("system_admin")' >/dev/null ||
    { echo "mattermost-setup: the token does not belong to a system administrator" >&2; exit 1; }

team_id=$(api GET "/teams/name/$team" | jq -r .id)

if bot_id=$(api GET "/users/username/$bot" 2>/dev/null | jq -r .id); then
    echo "bot account @$bot exists ($bot_id)" >&2
else
    bot_id=$(api POST /bots "$(jq -n --arg u "$bot" '{username: $u, display_name: "hindsight",
        description: "Incident timelines, blameless reviews and action items"}')" | jq -r .user_id)
    echo "created the bot account @$bot ($bot_id)" >&2
fi

api POST "/teams/$team_id/members" "$(jq -n --arg t "$team_id" --arg u "$bot_id" '{team_id: $t, user_id: $u}')" \
    >/dev/null
echo "added @$bot to the team $team" >&2

bot_token=$(api POST "/users/$bot_id/tokens" '{"description":"hindsight"}' | jq -r .token)
echo "created an access token for @$bot" >&2

command_token=$(api POST /commands "$(jq -n --arg t "$team_id" --arg trigger "$trigger" \
    --arg url "$hindsight/mattermost/command" '{team_id: $t, trigger: $trigger, method: "P", url: $url,
    display_name: "hindsight", description: "Run incidents, reviews and action items",
    auto_complete: true, auto_complete_desc: "Incidents, reviews and action items", auto_complete_hint: "help"}')" |
    jq -r .token)
echo "registered /$trigger → $hindsight/mattermost/command" >&2

cat <<OUT
# Give these to hindsight (environment, or *_FILE variables pointing at files that hold them):
MATTERMOST_URL=$server
MATTERMOST_TOKEN=$bot_token
MATTERMOST_COMMAND_TOKEN=$command_token
# and in hindsight.toml: [mattermost] team = "$team". Add @$bot to each incident channel (or let it be
# invited): it reads only channels it is a member of.
OUT
