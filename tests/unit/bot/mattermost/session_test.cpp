#include <catch2/catch.hpp>

#include "bot/mattermost/session.hpp"

using namespace hindsight::mattermost;
using namespace std::chrono_literals;

namespace {

// A manual clock: the session never reads time itself.
const session::time_point t0{std::chrono::hours{1}};

}  // namespace

TEST_CASE(
    "the first hello catches up, a resumed one does not, and a new connection id means events were lost") {
    session s(7);
    CHECK(s.resume_query().empty());
    CHECK(s.delay_before_connect() == 0ms);

    auto first = s.hello("conn-A", 0);
    CHECK(first.kind == session::hello_kind::first);
    CHECK(first.catch_up);
    CHECK(s.event(1) == session::event_step::deliver);
    CHECK(s.event(2) == session::event_step::deliver);
    CHECK(s.resume_query() == "?connection_id=conn-A&sequence_number=3");

    // The socket drops; the server knows conn-A and resumes it (its hello carries the seq it replays after).
    auto resumed = s.hello("conn-A", 2);
    CHECK(resumed.kind == session::hello_kind::resumed);
    CHECK_FALSE(resumed.catch_up);
    CHECK(s.event(3) == session::event_step::deliver);

    auto lost = s.hello("conn-B", 0);
    CHECK(lost.kind == session::hello_kind::new_connection);
    CHECK(lost.catch_up);
    CHECK(s.resume_query() == "?connection_id=conn-B&sequence_number=1");
}

TEST_CASE("a replayed event is dropped and a gap asks for a reconnect from the expected sequence") {
    session s(7);
    (void)s.hello("conn-A", 0);
    CHECK(s.event(1) == session::event_step::deliver);
    CHECK(s.event(1) == session::event_step::replay);
    CHECK(s.event(0) == session::event_step::replay);
    CHECK(s.event(5) == session::event_step::reconnect);
    // The gap did not move the sequence: the resume asks for 2 again.
    CHECK(s.expected_seq() == 2);
    CHECK(s.resume_query() == "?connection_id=conn-A&sequence_number=2");
}

TEST_CASE("a failed commit forgets the connection, so the next hello catches up through REST") {
    session s(7);
    (void)s.hello("conn-A", 0);
    (void)s.event(1);
    s.commit_failed();
    CHECK(s.resume_query().empty());
    auto again = s.hello("conn-A", 0);
    CHECK(again.catch_up);
}

TEST_CASE("connections that die young back off; one that lived resets the count") {
    session s(7);
    s.connect_failed();
    CHECK(s.failures() == 1);
    auto one = s.delay_before_connect();
    CHECK(one >= 500ms);
    CHECK(one <= 1000ms);
    s.connect_failed();
    s.connect_failed();
    auto three = s.delay_before_connect();  // 4 s, jittered into [2 s, 4 s]
    CHECK(three >= 2000ms);
    CHECK(three <= 4000ms);

    s.opened(t0);
    s.closed(t0 + 5s);  // accepted and dropped at once
    CHECK(s.failures() == 4);
    s.opened(t0 + 10s);
    s.closed(t0 + 10s + 10min);
    CHECK(s.failures() == 0);
    CHECK(s.delay_before_connect() == 0ms);
}

TEST_CASE("the reconnect delay never passes five minutes however long the outage") {
    session s(11);
    for (int i = 0; i < 40; ++i) s.connect_failed();
    for (int i = 0; i < 20; ++i) {
        auto delay = s.delay_before_connect();
        CHECK(delay >= 150s);
        CHECK(delay <= 300s);
    }
}
