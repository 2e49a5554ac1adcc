#!/usr/bin/env bash
# End to end: the built binary driven through `console` by a script, then `export` of what it stored.
# Usage: console_e2e.sh <path-to-hindsight> <dir-with-demo.txt>
set -euo pipefail
bin="$1"
dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/e2e.db"
failures=0
passed=0

expect() {  # expect <file> <fixed string> <what>
    if grep -qF -- "$2" "$1"; then passed=$((passed + 1)); else
        echo "FAIL: $3 — expected to find: $2" >&2
        failures=$((failures + 1))
    fi
}
refute() {
    if grep -qF -- "$2" "$1"; then
        echo "FAIL: $3 — did not expect: $2" >&2
        failures=$((failures + 1))
    else passed=$((passed + 1)); fi
}

timeout 60 "$bin" console --db "$db" --as alice --now 2026-03-02T10:00:00Z < "$dir/demo.txt" > "$work/console.out" 2> "$work/console.err"

out="$work/console.out"
expect "$out" "INC-1: Checkout latency in eu-west* (sev2) declared by @alice" "start"
expect "$out" "#1 [#general] alice: the p99 on checkout is 4s since 10:02" "messages are numbered"
expect "$out" "hindsight reacted :white_check_mark: to #2" "a prefix capture is confirmed"
expect "$out" "hindsight reacted :white_check_mark: to #3" "a pin is confirmed"
expect "$out" "#4 [#general › thread #3] bob: tl: replica lag 40s as well" "thread replies are numbered"
expect "$out" "hindsight reacted :white_check_mark: to #4" "a thread reply is captured"
expect "$out" "INC-1 mitigated by @bob" "mitigated"
expect "$out" "Post-incident review of INC-1" "resolve opens the review thread"
expect "$out" "› thread b" "the review speaks in its thread"
expect "$out" "INC-1 · *F1.1.1* (why F1.1 happened) recorded from @alice" "causes are numbered under their node"
expect "$out" "A-1 for INC-1: Require a reviewer for config changes — owner @bob, due 2026-03-16 · process" "action with owner"
expect "$out" "The review of INC-1 is complete" "the review completes"
expect "$out" "error rate 9% on /pay (edited)" "the timeline follows an edit"
expect "$out" "~wrong message, ignore~ (deleted)" "the timeline marks a deletion"
expect "$out" "uploaded inc-1-postmortem.md" "postmortem uploaded"
# Unpinned: the entry leaves the timeline and the bot takes its ✅ back.
unpin="$work/unpin.out"
printf '%s\n' "/incident start Unpin check" "the queue is stuck" ":react 1 pushpin" ":unreact 1 pushpin" \
    "/incident timeline" | timeout 60 "$bin" console --db "$work/unpin.db" --as alice \
    --now 2026-03-02T10:00:00Z > "$unpin" 2>&1
expect "$unpin" "hindsight reacted :white_check_mark: to #1" "a pin is confirmed"
expect "$unpin" "hindsight removed its :white_check_mark: from #1" "an unpin takes the confirmation back"
refute "$unpin" "@alice: the queue is stuck" "an unpinned message is off the timeline"
expect "$unpin" "Timeline of INC-1" "the timeline was shown"
# Pinned twice (pushpin and round_pushpin) but confirmed once.
confirmations=$(grep -cF "hindsight reacted :white_check_mark: to #3" "$out")
[ "$confirmations" -eq 1 ] && passed=$((passed + 1)) || { echo "FAIL: #3 confirmed $confirmations times" >&2; failures=$((failures + 1)); }

timeout 30 "$bin" export INC-1 --db "$db" > "$work/pm.md"
pm="$work/pm.md"
expect "$pm" "# INC-1: Checkout latency in eu-west" "export title"
expect "$pm" "| Status | reviewed |" "export status"
expect "$pm" "| Time to mitigate | 25m |" "export durations"
expect "$pm" "### 2026-03-02" "timeline grouped by day"
expect "$pm" "| 10:00 | T+00:00 | @alice | error rate 9% on /pay |" "edited entry in its latest form, at its original time"
expect "$pm" "| 10:00 | T+00:00 | @bob | db primary cpu at 100% |" "pinned message"
expect "$pm" "replica lag 40s as well" "thread reply"
expect "$pm" "📝 failing over to the replica" "note"
refute "$pm" "wrong message, ignore" "deleted entries are omitted"
expect "$pm" '```mermaid' "mermaid block"
expect "$pm" "F1_1 --> F1_1_1" "mermaid edges"
expect "$pm" "| A-2 | Add an alert on pool saturation | detection | @alice | 2026-03-06 | open" "action table"

timeout 30 "$bin" export INC-1 --db "$db" --format json > "$work/pm.json"
expect "$work/pm.json" '"status": "reviewed"' "json export"
timeout 30 "$bin" export INC-1 --db "$db" > "$work/pm2.md"
cmp -s "$pm" "$work/pm2.md" && passed=$((passed + 1)) || { echo "FAIL: export is not deterministic" >&2; failures=$((failures + 1)); }

# The whole life of an incident: review in its thread, actions, two weeks of reminders until done.
timeout 60 "$bin" console --db "$work/life.db" --as alice --now 2026-03-04T10:00:00Z < "$dir/lifecycle.txt" > "$work/life.out" 2>&1
life="$work/life.out"
expect "$life" "What was the impact on customers and the business?" "the review asks for the impact"
expect "$life" "INC-1 · How was it detected" "a thread reply answers the prompt, next moves on"
expect "$life" "INC-1 · *F1.1* — Why did “The config change had no automated check” happen?" "the causes are walked in the thread"
expect "$life" "INC-1 · Where did we get lucky?" "the lists in turn"
expect "$life" "A-2 for INC-1: Add a dashboard panel for 502s by route — owner @alice, due 2026-03-18 · detection" "action from a reply"
expect "$life" "The review of INC-1 is complete" "the review completes"
expect "$life" "[DM to @bob] hindsight: 🗓️ Your weekly action items: 1 open item." "first weekly digest"
expect "$life" "A-1 Add an upstream health check to the config pipeline — due 2026-03-11 (*overdue*)" "second digest shows it overdue"
expect "$life" "[DM to @alice] hindsight: ⏰ A-1 (INC-1, owner @bob) is 12 days overdue" "overdue escalation to the commander"
expect "$life" "A-1 done (@bob)" "closing an action"
expect "$life" "A-2 done (@alice)" "closing the other"
digests=$(grep -c "Your weekly action items" "$life" || true)
[ "$digests" -eq 6 ] && passed=$((passed + 1)) || { echo "FAIL: expected 6 digests in all, got $digests" >&2; failures=$((failures + 1)); }
last_week=$(sed -n '/A-2 done (@alice)/,$p' "$life")
if grep -q "Your weekly action items" <<< "$last_week"; then
    echo "FAIL: a digest was sent after every action was done" >&2; failures=$((failures + 1))
else passed=$((passed + 1)); fi

# A review held by five people at once in INC-1's thread while a newer INC-2 is open in the channel:
# chatter, a question and an aside, a deleted factor and action, an edited cause, branching causes, a
# joined node, a time-box that runs out. Every answer must sit where it was given, with its author.
timeout 60 "$bin" console --db "$work/team.db" --as alice --now 2026-03-02T10:00:00Z < "$dir/team_review.txt" > "$work/team.out" 2>&1
team="$work/team.out"
expect "$team" "⏱️ INC-1 · This review session has 45m" "the time-box is announced"
expect "$team" "⏳ INC-1 · 4m left in this review session." "a warning at a quarter left"
expect "$team" "⏱️ INC-1 · Time is up for this session. So far:" "the time-box ends with the summary so far"
expect "$team" "*Still missing:* the team has not passed the action items yet." "and what is missing"
expect "$team" "hindsight reacted :white_check_mark: to #3" "an answer is confirmed with a reaction"
refute "$team" "hindsight reacted :white_check_mark: to #5" "chatter is not confirmed"
expect "$team" "Severity: sev2 · Status: resolved" "a command in the thread acts on the thread's incident"
expect "$team" "The review of INC-1 is complete" "the review completes"
timeout 30 "$bin" export INC-1 --db "$work/team.db" > "$work/team.md"
tm="$work/team.md"
expect "$tm" "Checkout failed for 20% of EU customers<br>Card retries doubled the load" "two impact answers"
expect "$tm" "A saturation alert paged the on-call" "detection"
expect "$tm" "@alice, @bob, @carol, @dave, @erin" "participants"
expect "$tm" "### F1: The pool size was lowered by a config push" "factor 1"
expect "$tm" "_Given by @bob._" "factor author"
expect "$tm" "- **F1.1** Config changes skip review (@alice)" "a cause with its author"
expect "$tm" "  - **F1.1.1** The config repo has no required reviewers (@dave) · root cause" "its cause, deeper"
expect "$tm" "- **F1.2** The canary does not cover config (@bob)" "a second branch"
expect "$tm" "  - **F1.2.1** Canaries were built for code deploys, not config (@erin) · root cause" "an edited cause"
expect "$tm" "- **F2.1** Nobody owns the gateway library (@carol) · root cause" "factor 2's cause"
expect "$tm" "### F4: Retries are not rate limited" "numbers are kept after a deleted factor"
expect "$tm" "- **F2.1** (the same cause as above)" "a joined node"
expect "$tm" "F4 --> F2_1" "the joined node in the Mermaid graph"
expect "$tm" "- Rollback took four minutes (@alice)" "went well"
expect "$tm" "- The alert fired within two minutes (@bob)" "went well, second voice"
expect "$tm" "- Paging went to the wrong team first (@carol)" "went wrong"
expect "$tm" "- It was a quiet hour (@dave)" "lucky"
expect "$tm" "| A-1 | Document the deploy process | other | @alice | 2026-03-06 |" "an action keeps every word"
expect "$tm" "| A-2 | Add required reviewers to the config repo | process | @bob | 2026-03-16 |" "a second action"
expect "$tm" "| Status | reviewed |" "reviewed"
for gone in "A typo factor" "junk action" "+1" "thanks" "is that true" "I think so" "code deploys only" "### F3" "A-3 |" "Newer incident"; do
    refute "$tm" "$gone" "nothing else in the postmortem"
done
timeout 30 "$bin" export INC-2 --db "$work/team.db" > "$work/team2.md"
expect "$work/team2.md" "_No contributing factors recorded._" "the newer incident got none of it"

# Bad input at the command line gets a clear message and a non-zero exit.
if timeout 10 "$bin" export INC-99 --db "$db" > /dev/null 2> "$work/err"; then
    echo "FAIL: export of an unknown incident succeeded" >&2; failures=$((failures + 1))
else expect "$work/err" "there is no INC-99" "unknown incident"; fi
echo "not sqlite, just text that is long enough for a header....................................." > "$work/junk.db"
if timeout 10 "$bin" export INC-1 --db "$work/junk.db" > /dev/null 2> "$work/err"; then
    echo "FAIL: a junk database was accepted" >&2; failures=$((failures + 1))
else expect "$work/err" "not a hindsight SQLite database" "junk database"; fi

# export only reads: a missing database is named and never created, a read-only one is exported.
if timeout 10 "$bin" export INC-1 --db "$work/missing.db" > /dev/null 2> "$work/err"; then
    echo "FAIL: export of a missing database succeeded" >&2; failures=$((failures + 1))
else expect "$work/err" "there is no database at $work/missing.db" "a missing database is named"; fi
[ ! -e "$work/missing.db" ] && passed=$((passed + 1)) || { echo "FAIL: export created a database" >&2; failures=$((failures + 1)); }
cp "$db" "$work/readonly.db"
chmod 0444 "$work/readonly.db"
if timeout 10 "$bin" export INC-1 --db "$work/readonly.db" > "$work/ro.md" 2> "$work/err"; then
    expect "$work/ro.md" "# INC-1: Checkout latency in eu-west" "export of a read-only database"
else echo "FAIL: export of a read-only database: $(cat "$work/err")" >&2; failures=$((failures + 1)); fi

# Key times corrected with `at` (SPEC §9), a backdated note, and the durations in the export.
printf '%s\n' '/incident start Checkout errors sev2' ':advance 30m' '/incident started at 09:40' \
    '/incident detected at 09:55' '/incident note at 09:42 deploy 4711 went out' '/incident mitigated at 10:20' \
    '/incident started at 10:25' '/incident resolve' '/incident resolved at 10:29' '/incident timeline tag E4 key' \
    '/incident timeline hide E3' '/incident timeline' \
    > "$work/keytimes.txt"
timeout 30 "$bin" console --db "$work/keytimes.db" --as alice --now 2026-03-02T10:00:00Z < "$work/keytimes.txt" \
    > "$work/keytimes.out" 2>&1
expect "$work/keytimes.out" "INC-1: impact started at 2026-03-02 09:40 UTC" "started at"
expect "$work/keytimes.out" "would come after mitigated" "key times stay in order"
expect "$work/keytimes.out" "INC-1: resolved at 2026-03-02 10:29 UTC" "resolved at corrects"
timeout 30 "$bin" export INC-1 --db "$work/keytimes.db" > "$work/keytimes.md"
expect "$work/keytimes.md" "| Time to detect | 15m |" "export: time to detect"
expect "$work/keytimes.md" "| Time to mitigate | 40m |" "export: time to mitigate from the corrected start"
expect "$work/keytimes.md" "deploy 4711 went out" "export: the backdated note"
expect "$work/keytimes.out" "E4 tagged key" "timeline tag"
expect "$work/keytimes.out" "(hidden from exports)" "a hidden entry is marked in the channel"
expect "$work/keytimes.md" "## Key moments" "export: key moments"
expect "$work/keytimes.md" "| key | @alice | 📝 deploy 4711 went out |" "export: the tagged entry among the key moments"
refute "$work/keytimes.md" "Detected (set by" "export: a hidden entry is left out"

# import: the console's history is what was typed this session, all of it stored already, so the report
# shows what "once" means; the transcript then appends the messages that are not on the timeline.
printf '%s\n' "the deploy went out" "/incident start Import check" "payments look fine from here" \
    "!tl rollback started" "/incident import from -30m" "/incident import from 2026-01-01 10:00" \
    "/incident postmortem --transcript" |
    timeout 30 "$bin" console --db "$work/import.db" --as alice --now 2026-03-02T10:00:00Z > "$work/import.out" 2>&1
expect "$work/import.out" "Reading this channel's history since 2026-03-02 09:30 UTC, thread replies included." \
    "import starts"
expect "$work/import.out" "Read 3 messages of this channel since 2026-03-02 09:30 UTC (asked by @alice): 0 new to the bot, 3 it had already." \
    "import reports, once"
expect "$work/import.out" "reads at most 30 days back: give a later time" "import refuses a window too far back"
expect "$work/import.out" "## Transcript" "postmortem --transcript appends the transcript"
timeout 30 "$bin" export INC-1 --db "$work/import.db" --transcript > "$work/import.md"
expect "$work/import.md" "| @alice | payments look fine from here |" "export --transcript: a message not marked"
expect "$work/import.md" "| @alice | the deploy went out |" "export --transcript: from the import's window"
refute "$work/import.md" "| @alice | !tl rollback started |" "export --transcript: not what is on the timeline"
timeout 30 "$bin" export INC-1 --db "$work/import.db" --format json --transcript > "$work/import.json"
expect "$work/import.json" '"transcript": [' "export --format json --transcript"
timeout 30 "$bin" export INC-1 --db "$work/import.db" > "$work/plain.md"
refute "$work/plain.md" "## Transcript" "no transcript unless asked for"

# blame-check as a linter.
printf 'Alice rolled back at 14:05\nBob should have checked the config\n' > "$work/draft.md"
if timeout 10 "$bin" blame-check "$work/draft.md" > "$work/blame.out"; then
    echo "FAIL: blame-check exited 0 on blaming text" >&2; failures=$((failures + 1))
else expect "$work/blame.out" "draft.md:2: should have:" "blame-check finds line 2"; fi
refute "$work/blame.out" "draft.md:1:" "saying what someone did is not blame"

# check-config names the key and the line; migrate reports the schema.
printf '[reminders]\nweekly = "mon 09:00"\nescalate_after_days = "seven"\n' > "$work/bad.toml"
if timeout 10 "$bin" check-config "$work/bad.toml" > /dev/null 2> "$work/err"; then
    echo "FAIL: a bad config was accepted" >&2; failures=$((failures + 1))
else expect "$work/err" "bad.toml:3" "config error names the line"; expect "$work/err" "reminders.escalate_after_days" "config error names the key"; fi
timeout 10 "$bin" migrate --db "$work/fresh.db" > "$work/migrate.out"
expect "$work/migrate.out" "schema 0 -> " "migrate creates the schema"

# Learning across incidents (SPEC §11), through the binary: services, related incidents at start, a link,
# a factor that came back after its fix, insights in chat, `hindsight report` in both formats, and (below)
# the /metrics gauges. A day ago, so the gauges' last 30 days hold it.
learn="$work/learn.out"
yesterday=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
printf '%s\n' "/incident start Checkout connection pool exhausted sev2" "/incident service checkout" \
    "/incident resolve" "/incident factor Database connection pool exhausted by report queries" \
    "/incident action Cap report query concurrency @bob tooling" "/incident done A-1 capped" \
    ":channel second" "/incident start Checkout pool exhausted again sev1" "/incident link INC-1" \
    "/incident related" "/incident resolve" \
    "/incident factor Connection pool exhausted because report queries held connections" \
    "/incident insights" "/incident insights 7d" "/incident export" |
    timeout 60 "$bin" console --db "$work/learn.db" --as alice --now "$yesterday" > "$learn" 2>&1
expect "$learn" "This looks like earlier incidents" "related incidents at start"
expect "$learn" "INC-1 Checkout connection pool exhausted (resolved; shares" "the related incident is named, with why"
expect "$learn" "INC-2 linked to INC-1 by @alice" "link"
expect "$learn" "this came back after A-1 was done" "a factor that came back after its fix"
expect "$learn" "2 incidents (1 sev1, 1 sev2)" "insights in chat"
expect "$learn" "30d, 90d or 365d" "insights refuses an unknown window"
since=$(date -u -d '-30 days' +%Y-%m-%d)
timeout 30 "$bin" report --since "$since" --db "$work/learn.db" > "$work/report.md" 2> "$work/report.err"
expect "$work/report.md" "# Incident report: $since" "report title"
expect "$work/report.md" "pie showData title Incidents by severity" "report severity chart"
expect "$work/report.md" "- INC-2: a factor of INC-1 came back after A-1 was done" "report counts the comeback"
expect "$work/report.md" "- INC-1, INC-2" "report clusters"
timeout 30 "$bin" report --since "$since" --service checkout --format json --db "$work/learn.db" > "$work/report.json"
expect "$work/report.json" '"incidents": 1,' "report of one service"
if timeout 10 "$bin" report --since 2026-02-30 --db "$work/learn.db" 2> "$work/report.err"; then
    echo "FAIL: report took a day that does not exist" >&2; failures=$((failures + 1))
else expect "$work/report.err" "--since and --until take a day" "report refuses a bad day"; fi
timeout 30 "$bin" export INC-2 --db "$work/learn.db" > "$work/learn-pm.md"
expect "$work/learn-pm.md" "- INC-1: Checkout connection pool exhausted (linked by @alice)" "the postmortem names the link"
cp "$work/learn.db" "$work/run.db"

# run --http-only: health, readiness and metrics on loopback, then a graceful stop on SIGTERM.
port=$((20000 + RANDOM % 20000))
printf '[http]\nlisten = "127.0.0.1:%s"\n' "$port" > "$work/run.toml"
SLACK_BOT_TOKEN= MATTERMOST_TOKEN= "$bin" run --http-only --config "$work/run.toml" --db "$work/run.db" 2> "$work/run.err" &
pid=$!
get() {  # get <path>: prints the response of a plain HTTP/1.1 GET on loopback
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1" >&3
    timeout 5 cat <&3
    exec 3<&-
}
for _ in $(seq 1 50); do get /healthz > "$work/health" 2>/dev/null && break; sleep 0.1; done
expect "$work/health" "200 OK" "healthz"
get /readyz > "$work/ready"; expect "$work/ready" "ready" "readyz"
get /metrics > "$work/metrics"; expect "$work/metrics" "# TYPE hindsight_outbox_depth gauge" "metrics"
expect "$work/metrics" 'hindsight_insights_incidents{workspace="console",severity="sev1"} 1' "insight gauges"
expect "$work/metrics" 'hindsight_insights_came_back{workspace="console"} 1' "comeback gauge"
get /nope > "$work/nope"; expect "$work/nope" "404" "unknown path"
kill -TERM "$pid"
stopped=0
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
if [ "$stopped" -eq 1 ] && wait "$pid"; then passed=$((passed + 1)); else
    echo "FAIL: run did not exit 0 within 10 s of SIGTERM" >&2; failures=$((failures + 1)); kill -KILL "$pid" 2>/dev/null || true
fi
# The listener serves HTTPS when http.tls_cert and http.tls_key are set.
certs="$dir/../certs"
tport=$((20000 + RANDOM % 20000))
printf '[http]\nlisten = "127.0.0.1:%s"\ntls_cert = "%s"\ntls_key = "%s"\n' "$tport" "$certs/server.pem" "$certs/server.key" > "$work/tls.toml"
SLACK_BOT_TOKEN= MATTERMOST_TOKEN= "$bin" run --http-only --config "$work/tls.toml" --db "$work/tls.db" 2> "$work/tls.err" &
tpid=$!
for _ in $(seq 1 50); do
    curl -s --max-time 2 --cacert "$certs/ca.pem" "https://127.0.0.1:$tport/healthz" > "$work/tls.out" 2>/dev/null && break
    sleep 0.1
done
expect "$work/tls.out" "ok" "run serves HTTPS on its listener"
kill -TERM "$tpid" 2>/dev/null || true
wait "$tpid" 2>/dev/null || true
# Slack unreachable at start-up (the network is down during an incident): run stays up, retries, and
# /readyz says what is down; the listener answers meanwhile.
uport=$((20000 + RANDOM % 20000))
dead=$((20000 + RANDOM % 20000))
printf '[http]\nlisten = "127.0.0.1:%s"\n[slack]\napi_url = "http://127.0.0.1:%s/api/"\n' "$uport" "$dead" > "$work/down.toml"
SLACK_BOT_TOKEN=xoxb-1 SLACK_APP_TOKEN=xapp-1 MATTERMOST_TOKEN= "$bin" run --config "$work/down.toml" --db "$work/down.db" 2> "$work/down.err" &
upid=$!
for _ in $(seq 1 50); do
    (exec 4<>"/dev/tcp/127.0.0.1/$uport") 2>/dev/null && break
    sleep 0.1
done
port_saved=$port
port=$uport
get /healthz > "$work/down.health" 2>/dev/null || true
get /readyz > "$work/down.ready" 2>/dev/null || true
port=$port_saved
expect "$work/down.health" "200 OK" "the listener answers while Slack is unreachable"
expect "$work/down.ready" "503" "not ready while Slack is unreachable"
expect "$work/down.ready" "slack: down (cannot reach Slack" "/readyz names what is down"
sleep 1.5
if kill -0 "$upid" 2>/dev/null; then passed=$((passed + 1)); else
    echo "FAIL: run exited while Slack was unreachable: $(cat "$work/down.err")" >&2; failures=$((failures + 1)); fi
expect "$work/down.err" "trying again in" "Slack is retried with backoff"
kill -TERM "$upid" 2>/dev/null || true
wait "$upid" 2>/dev/null || true
# enabled = false wins over secrets; enabled = true without them is an error that names them.
printf '[slack]\nenabled = false\n' > "$work/off.toml"
if SLACK_BOT_TOKEN=xoxb-1 SLACK_APP_TOKEN=xapp-1 MATTERMOST_TOKEN= timeout 10 "$bin" run --config "$work/off.toml" --db "$work/off.db" 2> "$work/off.err"; then
    echo "FAIL: run with slack.enabled = false connected" >&2; failures=$((failures + 1))
else expect "$work/off.err" "no Slack or Mattermost workspace is configured" "slack.enabled = false is honoured"; fi
printf '[mattermost]\nenabled = true\n' > "$work/on.toml"
if SLACK_BOT_TOKEN= MATTERMOST_TOKEN= timeout 10 "$bin" run --config "$work/on.toml" --db "$work/on.db" 2> "$work/on.err"; then
    echo "FAIL: run with mattermost.enabled = true and no secrets started" >&2; failures=$((failures + 1))
else expect "$work/on.err" "mattermost.enabled is true but MATTERMOST_URL and MATTERMOST_TOKEN are not both set" "mattermost.enabled = true needs its secrets"; fi
if SLACK_BOT_TOKEN= MATTERMOST_TOKEN= timeout 10 "$bin" run --db "$work/run.db" 2> "$work/norun.err"; then
    echo "FAIL: run without a workspace exited 0" >&2; failures=$((failures + 1))
else expect "$work/norun.err" "hindsight console" "run without a workspace points to the console"; fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
