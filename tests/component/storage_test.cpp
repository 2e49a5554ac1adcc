#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "commands/context.hpp"
#include "harness.hpp"
#include "storage/database.hpp"
#include "storage/queue_store.hpp"
#include "storage/timeline_store.hpp"

using namespace hindsight;
using testing::harness;
using testing::temp_db_path;

namespace {

std::string schema_of(const std::string& path) {
    SQLite::Database db(path);
    SQLite::Statement s(db, "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name");
    std::string out;
    while (s.executeStep())
        out += s.getColumn(0).getString() + " " + s.getColumn(1).getString() + " " +
               s.getColumn(2).getString() + "\n";
    return out;
}

}  // namespace

TEST_CASE("a fresh database equals one upgraded step by step, with data kept") {
    temp_db_path fresh, upgraded;
    { storage::database db(fresh.str()); }
    {
        storage::database db(upgraded.str(), {.migrate = true, .target_version = 1});
        CHECK(db.schema_version() == 1);
        db.execute("INSERT INTO workspaces (id) VALUES ('console')");
    }
    {
        storage::database db(upgraded.str());
        CHECK(db.schema_version() == storage::database::latest_version());
        CHECK(db.handle().execAndGet("SELECT count(*) FROM workspaces").getInt() == 1);
    }
    CHECK(schema_of(fresh.str()) == schema_of(upgraded.str()));
}

TEST_CASE("migration 4 turns each factor's why-chain into a branch of the causal map, answers kept") {
    temp_db_path path;
    {
        storage::database db(path.str(), {.migrate = true, .target_version = 3});
        db.execute(
            "INSERT INTO workspaces (id) VALUES ('console');"
            "INSERT INTO incidents (id, workspace, number, channel, title, severity, status, commander, "
            "started_at, review_thread, review_stage) VALUES (1, 'console', 1, 'ops', 't', 2, 'resolved', "
            "'alice', "
            "0, 'review:1', 'impact');"
            "INSERT INTO incidents (id, workspace, number, channel, title, severity, status, commander, "
            "started_at, review_thread, review_stage, impact) VALUES (2, 'console', 2, 'web', 't', 2, "
            "'resolved', "
            "'alice', 0, 'review:2', 'factors', 'x');"
            "INSERT INTO incidents (id, workspace, number, channel, title, severity, status, commander, "
            "started_at, review_thread, review_stage) VALUES (3, 'console', 3, 'db', 't', 2, 'resolved', "
            "'alice', 0, 'review:3', 'impact');"
            "INSERT INTO factors (id, incident_id, position, text, author, chain_closed) VALUES "
            "(10, 1, 1, 'pool lowered', 'bob', 1), (11, 1, 2, 'no breaker', 'carol', 0), "
            "(20, 2, 1, 'closed one', 'bob', 1), (21, 2, 2, 'open one', 'bob', 0);"
            "INSERT INTO whys (factor_id, position, text, author) VALUES (21, 1, 'first', 'bob'), "
            "(21, 2, 'second', 'bob');"
            "INSERT INTO whys (factor_id, position, text, author) VALUES (10, 1, 'no review', 'alice'), "
            "(10, 2, 'no owners', 'dave');"
            "INSERT INTO review_answers (workspace, channel, message_id, kind, target_id) VALUES "
            "('console', 'ops', 'm1', 'factor', 11), ('console', 'ops', 'm2', 'why', "
            "(SELECT rowid FROM whys WHERE factor_id = 10 AND position = 2)), ('console', 'ops', 'm3', "
            "'note', 5);");
    }
    storage::database db(path.str());
    commands::stores store(db);
    auto map = store.review.map(1);
    REQUIRE(map.find("F1.1.1"));
    CHECK(map.find("F1.1.1")->text == "no owners");
    CHECK(map.find("F1.1.1")->author == "dave");
    CHECK(map.find("F1.1.1")->closed);  // the closed chain ends at its last why
    CHECK_FALSE(map.find("F1.1")->closed);
    CHECK(map.causes_of(map.find("F1")->id).front()->label == "F1.1");
    CHECK(map.find("F2")->author == "carol");
    CHECK(map.complete(5) == false);  // F2 has no cause
    auto m1 = store.review.replies_of("console", "ops", "m1");
    REQUIRE(m1.size() == 1);
    CHECK(m1[0].kind == "node");
    CHECK(m1[0].target_id == map.find("F2")->id);
    CHECK(store.review.replies_of("console", "ops", "m2")[0].target_id == map.find("F1.1.1")->id);
    CHECK(store.review.replies_of("console", "ops", "m3")[0].kind == "note");
    // INC-1 was asking "why?" of F2's open chain: it goes on at F2 (its only node).
    auto first = *store.incidents.find("console", 1);
    CHECK(first.stage == domain::review_stage::causes);
    CHECK(first.review_focus == std::to_string(map.find("F2")->id));
    // INC-2 was asking about F2's chain too, at its last answer.
    auto second = *store.incidents.find("console", 2);
    CHECK(second.stage == domain::review_stage::causes);
    CHECK(second.review_focus == std::to_string(store.review.map(2).find("F2.1.1")->id));
    // INC-3 was in the recap with no factor yet: it asks for the impact.
    auto third = *store.incidents.find("console", 3);
    CHECK(third.stage == domain::review_stage::recap);
    CHECK(third.review_focus == "impact");
}

TEST_CASE("pragmas: WAL, foreign keys, synchronous FULL") {
    temp_db_path path;
    storage::database db(path.str());
    CHECK(db.handle().execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.handle().execAndGet("PRAGMA foreign_keys").getInt() == 1);
    CHECK(db.handle().execAndGet("PRAGMA synchronous").getInt() == 2);
}

TEST_CASE("a newer schema, a file that is not SQLite, and a read-only file are refused clearly") {
    temp_db_path path;
    {
        storage::database db(path.str());
        db.execute("PRAGMA user_version = 99");
    }
    try {
        storage::database db(path.str());
        FAIL("a newer schema was accepted");
    } catch (const storage::storage_error& e) {
        CHECK(e.what_kind() == storage::storage_error::kind::newer_schema);
        CHECK(std::string(e.what()).find("schema version 99") != std::string::npos);
    }

    temp_db_path junk;
    std::ofstream(junk.str())
        << "this is a text file, not a database, and it is long enough to have a header..";
    try {
        storage::database db(junk.str());
        FAIL("a text file was accepted");
    } catch (const storage::storage_error& e) {
        CHECK(e.what_kind() == storage::storage_error::kind::unusable_file);
        CHECK(std::string(e.what()).find("not a hindsight SQLite database") != std::string::npos);
    }

    if (::geteuid() != 0) {  // root ignores file permissions; the read-only check then needs another user
        temp_db_path readonly;
        { storage::database db(readonly.str()); }
        std::filesystem::permissions(readonly.str(), std::filesystem::perms::owner_read);
        CHECK_THROWS_AS(storage::database(readonly.str()), storage::storage_error);
    }
}

TEST_CASE("a read-only database connection refuses writes with a clear message and keeps the data") {
    harness h;
    h.say("alice", "ops", "start DB down");
    h.db().execute("PRAGMA query_only = ON");
    auto reply = h.say("alice", "ops", "note this cannot be saved");
    CHECK(reply.find("could not be recorded: starting a transaction: the database file is read-only") !=
          std::string::npos);
    h.db().execute("PRAGMA query_only = OFF");
    CHECK(h.say("alice", "ops", "status").find("DB down") != std::string::npos);
}

TEST_CASE("a full database: the command reports the failure and nothing is half-written") {
    harness h;
    h.say("alice", "ops", "start DB down");
    h.say("alice", "ops", "action Add an alert @bob due +3d");
    auto timeline_before = h.say("alice", "ops", "timeline");
    h.db().set_max_page_count(h.db().page_count());
    // Fill the last free pages, so the next write needs a new page.
    std::string filler(3000, 'z');
    std::vector<std::string> replies;
    for (int i = 0; i < 200; ++i) {
        std::string reply;
        try {
            reply = h.say("alice", "ops", "note " + filler);
        } catch (const storage::storage_error& e) {
            reply = std::string("refused: ") + e.what();
        }
        replies.push_back(reply);
        if (reply.find("full") != std::string::npos) break;
    }
    REQUIRE(replies.back().find("the database is full") != std::string::npos);
    h.db().set_max_page_count(1 << 30);
    auto after = h.say("alice", "ops", "timeline");
    CHECK(after.find("Incident started") != std::string::npos);
    CHECK(h.say("alice", "ops", "actions").find("A-1 Add an alert") != std::string::npos);
    // Every note that was acknowledged is there; the refused one is not, and nothing is duplicated.
    std::size_t notes = 0;
    auto marker = "📝 " + filler.substr(0, 50);
    for (std::size_t pos = after.find(marker); pos != std::string::npos; pos = after.find(marker, pos + 1))
        ++notes;
    std::size_t acknowledged = 0;
    for (const auto& r : replies)
        if (r.find("Noted") != std::string::npos) ++acknowledged;
    CHECK(notes == acknowledged);
}

TEST_CASE("the inbox deduplicates and survives a restart; the outbox keeps undelivered messages") {
    harness h;
    auto fresh = h.engine().accept(
        {{"console", "ev-1", chat::command_invoked{{"ops"}, {}, "alice", "start Disk full", h.now()}},
         {"console", "ev-1", chat::command_invoked{{"ops"}, {}, "alice", "start Disk full", h.now()}},
         {"console", "ev-2", chat::command_invoked{{"ops"}, {}, "alice", "sev 1", h.now()}}},
        h.now());
    CHECK(fresh == std::vector<bool>{true, false, true});
    h.restart();  // accepted but not handled: handled after the restart
    CHECK(h.engine().queue().inbox_depth() == 2);
    auto report = h.engine().process_pending(h.now());
    CHECK(report.handled == 2);
    CHECK(h.engine().queue().inbox_depth() == 0);
    auto depth = h.engine().queue().outbox_depth();
    CHECK(depth >= 2);
    h.restart();
    CHECK(h.engine().queue().outbox_depth() == depth);
    // A replay of an event already handled is dropped even after a restart.
    CHECK(h.engine().accept(
              {{"console", "ev-2", chat::command_invoked{{"ops"}, {}, "alice", "sev 1", h.now()}}},
              h.now()) == std::vector<bool>{false});
    // Handled rows older than a week are pruned (then, and only then, a replay key is forgotten).
    CHECK(h.engine().prune_inbox(h.now()) == 0);
    CHECK(h.engine().prune_inbox(h.now() + std::chrono::days{8}) == 2);
    // Ids are never reused after a prune, so what comes next is above the watermark and gets handled.
    h.engine().accept({{"console", "ev-3", chat::command_invoked{{"ops"}, {}, "alice", "sev 2", h.now()}}},
                      h.now());
    CHECK(h.engine().process_pending(h.now()).handled == 1);
}

TEST_CASE(
    "migration 5 moves the names an outbox row uses into columns; only a later edit makes an edit stale") {
    temp_db_path path;
    auto now = domain::from_millis(1'772'445'600'000);
    {
        storage::database db(path.str(), {.migrate = true, .target_version = 4});
        db.execute("INSERT INTO workspaces (id) VALUES ('T1')");
        // Rows written by version 4: an edit of the review's root, then a reply under it.
        db.execute(
            "INSERT INTO outbox (workspace, payload, created_at, next_attempt_at) VALUES "
            "('T1', "
            "'{\"how\":6,\"channel\":\"C1\",\"user\":\"\",\"text\":\"summary\",\"thread_key\":\"review:7\"}',"
            " 0, "
            "0), "
            "('T1', "
            "'{\"how\":1,\"channel\":\"C1\",\"user\":\"\",\"text\":\"F1?\",\"thread_key\":\"review:7\"}', 0, "
            "0), "
            "('T1', "
            "'{\"how\":7,\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"inc-7\",\"defines_channel\":\"new-"
            "channel:INC-7\"}', 0, 0), "
            "('T1', '{not json', 0, 0)");  // corrupt: the upgrade must not fail on it
    }
    storage::database db(path.str());
    storage::queue_store queue(db);
    // The reply (row 2) shares the thread key but is no edit: the edit in row 1 is still the newest.
    CHECK_FALSE(queue.newer_edit_exists("T1", 1, "review:7"));
    CHECK(queue.channel_pending("T1", "new-channel:INC-7"));
    CHECK_FALSE(queue.thread_root_pending("T1", "review:7"));

    chat::message_edit edit;
    edit.channel = "C1";
    edit.edit_key = "review:7";
    edit.text = "summary, later";
    auto later = queue.outbox_add("T1", edit, now);
    CHECK(queue.newer_edit_exists("T1", 1, "review:7"));
    CHECK_FALSE(queue.newer_edit_exists("T1", later, "review:7"));

    chat::channel_post root;
    root.channel = "C1";
    root.defines_thread = "review:8";
    queue.outbox_add("T1", root, now);
    CHECK(queue.thread_root_pending("T1", "review:8"));
}

TEST_CASE("migration 6 numbers existing entries per incident in creation order") {
    temp_db_path path;
    {
        storage::database db(path.str(), {.migrate = true, .target_version = 5});
        db.execute("INSERT INTO workspaces (id) VALUES ('T1')");
        db.execute(
            "INSERT INTO incidents (id, workspace, number, channel, title, severity, status, commander, "
            "started_at) VALUES (1, 'T1', 1, 'C1', 'a', 2, 'active', 'U1', 0), "
            "(2, 'T1', 2, 'C2', 'b', 2, 'active', 'U1', 0)");
        db.execute(
            "INSERT INTO timeline_entries (incident_id, kind, occurred_at, author, text, captured_at) VALUES "
            "(1, 'note', 30, 'U1', 'first of 1', 0), (2, 'note', 10, 'U1', 'first of 2', 0), "
            "(1, 'note', 20, 'U1', 'second of 1', 0)");
    }
    storage::database db(path.str());
    auto number_of = [&](const char* text) {
        SQLite::Statement s(db.handle(), "SELECT number FROM timeline_entries WHERE text = ?");
        s.bind(1, text);
        return s.executeStep() ? s.getColumn(0).getInt() : -1;
    };
    CHECK(number_of("first of 1") == 1);
    CHECK(number_of("second of 1") == 2);
    CHECK(number_of("first of 2") == 1);
    domain::timeline_entry next;
    next.incident_id = 1;
    next.kind = domain::entry_kind::note;
    next.text = "third of 1";
    storage::timeline_store(db).add(next, false);
    CHECK(next.number == 3);
}
