// `import` in the engine: the request and its refusals, what it read handled once (stored, captured when
// marked, never twice), its report after the last message, and the transcript an export appends.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "commands/handlers.hpp"
#include "domain/postmortem.hpp"
#include "harness.hpp"

using namespace hindsight;
using testing::harness;
using namespace std::chrono;

namespace {

std::int64_t scalar(harness& h, const std::string& sql) {
    return h.db().handle().execAndGet(sql).getInt64();
}

chat::message_posted read_back(std::int64_t import_id, const std::string& id, const std::string& user,
                               const std::string& text, domain::timestamp at, const std::string& root = {}) {
    chat::message_posted m{{"general"}, id, root, user, text, at, false, "https://chat/" + id};
    m.import_id = import_id;
    return m;
}

chat::reaction_changed mark_read_back(std::int64_t import_id, const std::string& id,
                                      const std::string& user) {
    chat::reaction_changed r{{"general"}, id, user, "pushpin", true, {}};
    r.import_id = import_id;
    return r;
}

std::int64_t start_import(harness& h, const std::string& words = "import from -2h") {
    auto said = h.say("alice", "general", words);
    INFO(said);
    REQUIRE(said.find("Reading this channel's history since") != std::string::npos);
    return scalar(h, "SELECT MAX(id) FROM imports");
}

}  // namespace

TEST_CASE("import is asked for in the incident's channel, for a window that makes sense, one at a time") {
    harness h;
    CHECK(h.say("alice", "general", "import").find("no incident in this channel") != std::string::npos);
    h.say("alice", "general", "start Checkout errors sev2");
    CHECK(h.say("alice", "general", "import from tomorrow").find("'tomorrow' is not a time") !=
          std::string::npos);
    CHECK(h.say("alice", "general", "import from 2026-05-01 10:00").find("in the future") !=
          std::string::npos);
    CHECK(h.say("alice", "general", "import from -40d").find("at most 30 days back") != std::string::npos);
    CHECK(h.say("alice", "general", "import from -1h please").find("takes only") != std::string::npos);
    CHECK(scalar(h, "SELECT COUNT(*) FROM imports") == 0);
    // The default window is the incident's own: from when it started.
    start_import(h, "import");
    CHECK(scalar(h, "SELECT since FROM imports") == scalar(h, "SELECT started_at FROM incidents"));
    CHECK(h.say("bob", "general", "import from -1h").find("being read already (asked by @alice)") !=
          std::string::npos);
    CHECK(scalar(h, "SELECT COUNT(*) FROM imports") == 1);
}

TEST_CASE("what an import read is stored once, captured when marked, and reported after the last of it") {
    harness h;
    h.say("alice", "general", "start Checkout errors sev2");
    auto seen_live = h.post("bob", "general", "payments look fine");
    auto job = start_import(h);
    auto at = h.now() - minutes{30};
    h.send(read_back(job, seen_live, "bob", "payments look fine", h.now()));
    auto replies = h.send(read_back(job, "m1", "carol", "!tl the deploy went out", at));
    CHECK(testing::joined(replies).find("white_check_mark") != std::string::npos);
    h.send(read_back(job, "m2", "dave", "the pool is at 5", at + minutes{1}));
    h.send(mark_read_back(job, "m2", "erin"));
    h.send(mark_read_back(job, "m2", "frank"));
    h.send(read_back(job, "m3", "hindsight", "!tl something the bot said", at + minutes{2}));
    auto other_bot = read_back(job, "m4", "B1", "!tl deploy bot: 4.2 out", at + minutes{3});
    other_bot.from_bot = true;
    h.send(other_bot);

    CHECK(scalar(h, "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 2);
    CHECK(
        scalar(h,
               "SELECT COUNT(*) FROM timeline_entries WHERE text = 'the deploy went out' AND occurred_at = " +
                   std::to_string(domain::to_millis(at))) == 1);
    CHECK(scalar(h, "SELECT COUNT(*) FROM entry_marks") == 2);
    CHECK(scalar(h, "SELECT by_hindsight FROM messages WHERE message_id = 'm3'") == 1);
    // People who spoke before the bot was asked still count as participants.
    CHECK(scalar(h, "SELECT COUNT(*) FROM incident_speakers WHERE user_id IN ('carol', 'dave')") == 2);

    // The same messages again (a redelivery under other keys, as a second import's would be): nothing is
    // captured twice.
    h.send(read_back(job, "m1", "carol", "!tl the deploy went out", at), "again-m1");
    h.send(mark_read_back(job, "m2", "erin"), "again-m2");
    CHECK(scalar(h, "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 2);

    auto report = testing::joined(h.send(chat::history_read{{"general"}, job, "", h.now()}));
    INFO(report);
    CHECK(report.find("Read 6 messages of this channel since") != std::string::npos);
    CHECK(report.find("4 new to the bot, 2 it had already") != std::string::npos);
    CHECK(report.find("2 marked ones are on the INC-1 timeline now (E2 E3)") != std::string::npos);
    CHECK(report.find("postmortem INC-1 --transcript") != std::string::npos);
    CHECK(scalar(h, "SELECT COUNT(*) FROM imports WHERE state = 'done'") == 1);
    // The report's event replayed (a crash before the ack) says nothing twice.
    CHECK(testing::joined(h.send(chat::history_read{{"general"}, job, "", h.now()}, "replayed")).empty());
    // Done: the channel may be read again.
    start_import(h);
}

TEST_CASE("an import that stopped says why and keeps what it read") {
    harness h;
    h.say("alice", "general", "start Checkout errors sev2");
    auto job = start_import(h);
    h.send(read_back(job, "m1", "carol", "first", h.now() - minutes{5}));
    auto report = testing::joined(
        h.send(chat::history_read{{"general"},
                                  job,
                                  "Slack's conversations.history answered missing_scope (reinstall the app)",
                                  h.now()}));
    CHECK(report.find("Read 1 message of this channel") != std::string::npos);
    CHECK(report.find("The reading stopped early: Slack's conversations.history answered missing_scope") !=
          std::string::npos);
    CHECK(scalar(h, "SELECT COUNT(*) FROM messages WHERE message_id = 'm1'") == 1);
}

TEST_CASE(
    "the transcript: the channel's other messages from the earliest window, without entries or the bot") {
    harness h;
    h.say("alice", "general", "start Checkout errors sev2");
    h.post("bob", "general", "payments look fine | still");
    h.post("carol", "general", "!tl rolled back");
    auto job = start_import(h, "import from -1h");
    h.send(read_back(job, "early", "dave", "the deploy went out @channel", h.now() - minutes{40}));
    h.send(read_back(job, "reply", "erin", "in a thread", h.now() - minutes{39}, "early"));
    h.send(read_back(job, "ours", "hindsight", "🚨 INC-1", h.now() - minutes{38}));

    commands::stores store(h.db());
    auto inc = *store.incidents.find("console", 1);
    auto record = commands::load_record(store, inc);
    commands::load_transcript(store, record, h.now());
    REQUIRE(record.transcript);
    REQUIRE(record.transcript->size() == 3);  // the captured message and the bot's post are not in it
    CHECK((*record.transcript)[0].text == "the deploy went out @channel");
    CHECK((*record.transcript)[1].thread_root == "early");
    CHECK((*record.transcript)[2].text == "payments look fine | still");
    auto names = [](const std::string& id) { return id; };
    auto markdown = domain::render_postmortem_markdown(record, names);
    INFO(markdown);
    auto transcript = markdown.substr(markdown.find("## Transcript"));
    CHECK(transcript.find("| @dave | the deploy went out @\u2060channel") != std::string::npos);
    CHECK(transcript.find("↳ in a thread") != std::string::npos);
    CHECK(transcript.find("payments look fine \\| still") != std::string::npos);
    CHECK(markdown.find("\n\n## Transcript") != std::string::npos);
    auto json = domain::render_postmortem_json(record, names);
    INFO(json);
    CHECK(json.find(R"("transcript": [)") != std::string::npos);
    CHECK(json.find(R"("in_thread": true)") != std::string::npos);
    // Without --transcript nothing of it is in the document.
    auto plain = commands::load_record(store, inc);
    CHECK(domain::render_postmortem_markdown(plain, names).find("## Transcript") == std::string::npos);
    CHECK(domain::render_postmortem_json(plain, names).find("transcript") == std::string::npos);
}

TEST_CASE("a prefixed message the bot stored before the incident was declared is captured by an import") {
    harness h;
    auto early = h.post("carol", "general", "!tl checkout p99 is 4s");  // no incident yet: only stored
    h.say("alice", "general", "start Checkout errors sev2");
    CHECK(scalar(h, "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 0);
    auto job = start_import(h, "import from -1h");
    auto replies = h.send(read_back(job, early, "carol", "!tl checkout p99 is 4s", h.now()));
    CHECK(testing::joined(replies).find("white_check_mark") != std::string::npos);
    CHECK(scalar(h, "SELECT COUNT(*) FROM timeline_entries WHERE text = 'checkout p99 is 4s'") == 1);
    // Read once more: still one entry, no second ✅.
    CHECK(testing::joined(h.send(read_back(job, early, "carol", "!tl checkout p99 is 4s", h.now()), "again"))
              .find("white_check_mark") == std::string::npos);
    CHECK(scalar(h, "SELECT COUNT(*) FROM timeline_entries WHERE kind = 'message'") == 1);
    auto report = testing::joined(h.send(chat::history_read{{"general"}, job, "", h.now()}));
    CHECK(report.find("0 new to the bot, 2 it had already. 1 marked one is on the INC-1 timeline now (E2)") !=
          std::string::npos);
}
