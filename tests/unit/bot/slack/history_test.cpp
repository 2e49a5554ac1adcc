// Reading a channel back for `import`: the requests in order (history pages, then each thread's replies),
// the answers in the shapes of Slack's docs and SDK fixtures (newest first, has_more + next_cursor, thread
// roots with reply_count / latest_reply, reactions with their users), and where the reading got to.
#include <catch2/catch.hpp>

#include "bot/slack/history.hpp"

using namespace hindsight;
using namespace hindsight::slack;

namespace {

// conversations.history as the docs show it, with a thread root, a marked message, a bot's post and a join.
constexpr const char* history_page = R"({
  "ok": true,
  "messages": [
    {"type": "message", "user": "U222BBB222", "text": "What, you want to smell my shoes better?",
     "ts": "1512104434.000490",
     "reactions": [{"name": "pushpin", "users": ["U123ABC456", "U333CCC333"], "count": 2},
                   {"name": "eyes", "users": ["U222BBB222"], "count": 1}]},
    {"type": "message", "subtype": "channel_join", "user": "U444", "text": "<@U444> has joined the channel",
     "ts": "1512104000.000100"},
    {"type": "message", "subtype": "bot_message", "bot_id": "B0BOT", "text": "!tl deploy 4.2 done",
     "ts": "1512090000.000300"},
    {"type": "message", "user": "U123ABC456", "text": "!tl the pool is exhausted", "ts": "1512085950.000216",
     "thread_ts": "1512085950.000216", "reply_count": 2, "reply_users_count": 1,
     "latest_reply": "1512086100.000400", "reply_users": ["U222BBB222"], "is_locked": false,
     "subscribed": false}
  ],
  "has_more": true,
  "pin_count": 0,
  "response_metadata": {"next_cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"}
})";

constexpr const char* replies_page = R"({
  "ok": true,
  "messages": [
    {"type": "message", "user": "U123ABC456", "text": "!tl the pool is exhausted", "ts": "1512085950.000216",
     "thread_ts": "1512085950.000216", "reply_count": 2},
    {"type": "message", "user": "U222BBB222", "text": "raising it to 50", "ts": "1512086000.000300",
     "thread_ts": "1512085950.000216", "parent_user_id": "U123ABC456"},
    {"type": "message", "user": "U222BBB222", "text": "done", "ts": "1512086100.000400",
     "thread_ts": "1512085950.000216", "parent_user_id": "U123ABC456"}
  ],
  "has_more": false,
  "response_metadata": {"next_cursor": ""}
})";

const bot_identity self{"UBOT", "BBOT"};
const auto since = domain::from_millis(1512000000250);

}  // namespace

TEST_CASE("import: a history page becomes events oldest first, and its threads are read next") {
    history_position start;
    CHECK(next_history_request(start, "C1", since) ==
          "conversations.history?channel=C1&limit=200&oldest=1512000000.250000&inclusive=true");
    auto answer = read_history_answer(history_page, start, "C1", "T1", self, "https://t.slack.com/");
    REQUIRE(answer);
    // The join is not conversation; the other three messages and the two pushpins and the eyes remain.
    REQUIRE(answer->events.size() == 6);
    auto& first = std::get<chat::message_posted>(answer->events[0].payload);
    CHECK(first.message_id == "1512085950.000216");
    CHECK(first.thread_root.empty());
    CHECK(first.permalink == "https://t.slack.com/archives/C1/p1512085950000216");
    CHECK(std::get<chat::message_posted>(answer->events[1].payload).from_bot);
    auto& last = std::get<chat::message_posted>(answer->events[2].payload);
    CHECK(last.text == "What, you want to smell my shoes better?");
    auto& mark = std::get<chat::reaction_changed>(answer->events[3].payload);
    CHECK(mark.message_id == "1512104434.000490");
    CHECK(mark.user == "U123ABC456");
    CHECK(mark.emoji == "pushpin");
    CHECK(mark.added);
    CHECK(answer->events[0].workspace == "T1");
    CHECK(answer->events[0].dedup_key.empty());  // the importer gives them keys of their own

    CHECK(answer->next.history_cursor == "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz");
    CHECK_FALSE(answer->next.history_done);
    REQUIRE(answer->next.threads == std::vector<std::string>{"1512085950.000216"});
    // The thread first, then the next history page.
    auto request = next_history_request(answer->next, "C1", since);
    CHECK(request ==
          "conversations.replies?channel=C1&limit=200&oldest=1512000000.250000&ts=1512085950.000216");
    auto replies = read_history_answer(replies_page, answer->next, "C1", "T1", self, "");
    REQUIRE(replies);
    REQUIRE(replies->events.size() == 2);  // the root came with the history
    CHECK(std::get<chat::message_posted>(replies->events[0].payload).thread_root == "1512085950.000216");
    CHECK(replies->next.threads.empty());
    CHECK(next_history_request(replies->next, "C1", since).find("&cursor=bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz") !=
          std::string::npos);
}

TEST_CASE("import: the position survives the database, and the end is an empty cursor") {
    history_position at;
    at.history_cursor = "abc";
    at.threads = {"1.1", "2.2"};
    at.replies_cursor = "r";
    auto decoded = decode_position(encode_position(at));
    REQUIRE(decoded);
    CHECK(decoded->history_cursor == "abc");
    CHECK(decoded->threads == at.threads);
    CHECK(decoded->replies_cursor == "r");
    CHECK(decode_position("")->history_cursor.empty());
    CHECK_FALSE(decode_position("{not json"));
    history_position end;
    end.history_done = true;
    CHECK(encode_position(end).empty());
}

TEST_CASE("import: a thread gone since its page is skipped; a malformed answer is refused") {
    history_position at;
    at.threads = {"1.1", "2.2"};
    at.replies_cursor = "r";
    auto next = skip_thread(at);
    CHECK(next.threads == std::vector<std::string>{"2.2"});
    CHECK(next.replies_cursor.empty());
    at.threads = {"1.1"};
    at.history_done = true;
    CHECK(encode_position(skip_thread(at)).empty());
    CHECK_FALSE(read_history_answer(R"({"ok":true})", {}, "C1", "T1", self, ""));
    CHECK_FALSE(read_history_answer("<html>", {}, "C1", "T1", self, ""));
}

TEST_CASE("import: the last page ends the history, a long thread keeps its cursor") {
    auto last =
        read_history_answer(R"({"ok":true,"messages":[],"has_more":false})", {}, "C1", "T1", self, "");
    REQUIRE(last);
    CHECK(last->next.finished());
    history_position in_thread;
    in_thread.history_done = true;
    in_thread.threads = {"1.1"};
    auto more = read_history_answer(
        R"({"ok":true,"messages":[{"type":"message","user":"U1","text":"x","ts":"1.2","thread_ts":"1.1"}],"has_more":true,"response_metadata":{"next_cursor":"next-replies"}})",
        in_thread, "C1", "T1", self, "");
    REQUIRE(more);
    CHECK(more->next.threads == std::vector<std::string>{"1.1"});
    CHECK(more->next.replies_cursor == "next-replies");
    CHECK(next_history_request(more->next, "C1", since).find("&cursor=next-replies") != std::string::npos);
}
