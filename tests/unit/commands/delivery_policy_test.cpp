#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "commands/delivery_policy.hpp"

using namespace hindsight;
using namespace hindsight::commands;
using namespace std::chrono_literals;
using kind = delivery_plan::kind;

namespace {

const domain::timestamp now = domain::from_millis(1'772'445'600'000);

// The outbox's answers, from maps: a name is ready when it has a value, waiting when listed as pending.
struct fake_outbox {
    std::map<std::string, std::string> delivered;
    std::set<std::string> pending;
    std::set<std::string> newer_edits;

    delivery_lookups lookups() const {
        auto name = [this](const std::string& key) {
            if (auto found = delivered.find(key); found != delivered.end())
                return named{named::state::ready, found->second};
            return named{pending.count(key) ? named::state::waiting : named::state::gone};
        };
        delivery_lookups out;
        out.channel = name;
        out.thread = name;
        out.newer_edit = [this](const std::string& key) { return newer_edits.count(key) > 0; };
        return out;
    }
};

storage::outbox_row row(std::int64_t id = 7) {
    storage::outbox_row r;
    r.id = id;
    r.workspace = "T1";
    r.created_at = now - 1min;
    return r;
}

chat::outgoing reply_under(std::string key) {
    chat::thread_reply m;
    m.channel = "C1";
    m.text = "F1: why did the deploy stall?";
    m.thread_key = std::move(key);
    return m;
}

}  // namespace

TEST_CASE(
    "a reply waits for its thread's root, then goes under it; a root given up on spills into the channel") {
    fake_outbox outbox;
    outbox.pending.insert("review:7");
    auto waiting = plan_delivery(row(), reply_under("review:7"), true, false, now, outbox.lookups());
    CHECK(waiting.what == kind::wait);
    CHECK(waiting.at == now + 1s);

    outbox.pending.clear();
    outbox.delivered["review:7"] = "1700000000.000100";
    auto ready = plan_delivery(row(), reply_under("review:7"), true, false, now, outbox.lookups());
    REQUIRE(ready.what == kind::send);
    CHECK(std::get<chat::thread_reply>(ready.message).thread_root == "1700000000.000100");
    CHECK(idempotency_key(row()) == "hindsight-T1-7");

    outbox.delivered.clear();
    auto spilled = plan_delivery(row(), reply_under("review:7"), true, false, now, outbox.lookups());
    REQUIRE(spilled.what == kind::send);
    REQUIRE(chat::kind_of(spilled.message) == chat::delivery::channel);
    CHECK(chat::text_of(spilled.message) == "F1: why did the deploy stall?");
}

TEST_CASE(
    "an edit made stale by a later edit is dropped; a reply in the same thread does not make it stale") {
    fake_outbox outbox;
    outbox.delivered["review:7"] = "1700000000.000100";
    chat::message_edit edit;
    edit.channel = "C1";
    edit.edit_key = "review:7";
    edit.text = "Review summary (updated)";
    auto sent = plan_delivery(row(), edit, true, false, now, outbox.lookups());
    REQUIRE(sent.what == kind::send);
    CHECK(std::get<chat::message_edit>(sent.message).message_id == "1700000000.000100");

    outbox.newer_edits.insert("review:7");
    CHECK(plan_delivery(row(), edit, true, false, now, outbox.lookups()).what == kind::done);

    outbox.newer_edits.clear();
    outbox.delivered.clear();  // the message to edit was never posted: nothing to edit
    CHECK(plan_delivery(row(), edit, true, false, now, outbox.lookups()).what == kind::done);

    chat::message_edit unnamed;  // neither an id nor a name: done at once, never waiting on ""
    unnamed.channel = "C1";
    outbox.pending.insert("");
    CHECK(plan_delivery(row(), unnamed, true, false, now, outbox.lookups()).what == kind::done);
}

TEST_CASE("a message to a channel still being created waits, then goes there, or is given up with it") {
    fake_outbox outbox;
    chat::channel_post m;
    m.channel = std::string(chat::new_channel_prefix) + "INC-7";
    m.text = "INC-7 opened";
    outbox.pending.insert(m.channel);
    CHECK(plan_delivery(row(), m, true, false, now, outbox.lookups()).what == kind::wait);
    outbox.pending.clear();
    outbox.delivered[m.channel] = "C0NEW";
    auto ready = plan_delivery(row(), m, true, false, now, outbox.lookups());
    REQUIRE(ready.what == kind::send);
    CHECK(chat::channel_of(ready.message) == "C0NEW");
    outbox.delivered.clear();
    auto gone = plan_delivery(row(), m, true, false, now, outbox.lookups());
    CHECK(gone.what == kind::give_up);
    CHECK(gone.reason == "its channel was never created");
}

TEST_CASE("rows wait a day for a platform coming up, and are given up when none serves them") {
    fake_outbox outbox;
    chat::channel_post m;
    m.channel = "C1";
    auto early = plan_delivery(row(), m, false, true, now, outbox.lookups());
    CHECK(early.what == kind::wait);
    CHECK(early.at == now + 5s);
    auto old = row();
    old.created_at = now - 25h;
    CHECK(plan_delivery(old, m, false, true, now, outbox.lookups()).what == kind::give_up);
    auto none = plan_delivery(row(), m, false, false, now, outbox.lookups());
    CHECK(none.what == kind::give_up);
    CHECK(none.reason == "no platform for workspace");
    auto unreadable = plan_delivery(row(), std::nullopt, true, false, now, outbox.lookups());
    CHECK(unreadable.reason == "unreadable outbox row");
}

TEST_CASE("after a call: a 429 pause is not an attempt, retries back off, the tenth attempt gives up") {
    chat::call_result paused{chat::call_result::outcome::deferred, {}, "waiting out a 429", 2500ms};
    auto held = judge_delivery(paused, 0, now);
    CHECK(held.what == delivery_verdict::kind::held);
    CHECK(held.at == now + 2500ms);

    chat::call_result flaky{chat::call_result::outcome::retry, {}, "503", 0ms};
    CHECK(judge_delivery(flaky, 0, now).at == now + 1s);
    CHECK(judge_delivery(flaky, 3, now).at == now + 8s);
    CHECK(judge_delivery(flaky, 8, now).at == now + 256s);
    CHECK(judge_delivery(flaky, max_delivery_attempts - 1, now).what == delivery_verdict::kind::give_up);

    chat::call_result slow{chat::call_result::outcome::retry, {}, "ratelimited", 30s};
    CHECK(judge_delivery(slow, 0, now).at == now + 30s);  // Retry-After beats a shorter backoff

    chat::call_result refused{chat::call_result::outcome::rejected, {}, "channel_not_found", 0ms};
    CHECK(judge_delivery(refused, 0, now).what == delivery_verdict::kind::give_up);
    CHECK(judge_delivery(chat::call_result::success("1.2"), 0, now).what == delivery_verdict::kind::sent);
    CHECK(delivery_backoff(20) == 5min);
}

TEST_CASE("posts and reactions are paced apart, per channel or per direct-message recipient") {
    chat::channel_post post;
    post.channel = "C1";
    chat::reaction reaction{"C1", "1.2", "pushpin"};
    chat::direct_message direct{"U1", "hi"};
    CHECK(pacing_destination("T1", post) == "post:T1:C1");
    CHECK(pacing_destination("T1", reaction) == "react:T1:C1");
    CHECK(pacing_destination("T1", direct) == "post:T1:dm:U1");
}
