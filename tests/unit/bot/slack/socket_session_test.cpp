#include <catch2/catch.hpp>

#include "bot/slack/socket_session.hpp"

using namespace hindsight::slack;
using namespace std::chrono_literals;
using kind = socket_session::step::kind;

namespace {

const socket_session::time_point t0{std::chrono::hours{1}};

}  // namespace

TEST_CASE("the supervisor opens at once, then waits while a connection is live") {
    socket_session s(3);
    CHECK(s.next(t0).what == kind::open);
    CHECK(s.opened(1, t0).empty());
    CHECK(s.connected());
    CHECK(s.next(t0 + 1s).what == kind::wait);
}

TEST_CASE(
    "any disconnect reason Slack may add is make before break: the old link closes after the new hello") {
    for (const char* reason : {"warning", "refresh_requested", "socket_mode_maintenance", ""}) {
        socket_session s(3);
        (void)s.opened(1, t0);
        CHECK(s.disconnected(1, reason) == socket_session::link_action::keep);
        CHECK(s.next(t0 + 1s).what == kind::open);  // at once: no backoff for a handover
        auto replaced = s.opened(2, t0 + 2s);
        REQUIRE(replaced == std::vector<int>{1});
        s.closed(1, t0 + 2s);
        CHECK(s.failures() == 0);
        CHECK(s.next(t0 + 3s).what == kind::wait);
    }
}

TEST_CASE("a second disconnect on a link already replaced does not open a third connection") {
    socket_session s(3);
    (void)s.opened(1, t0);
    (void)s.disconnected(1, "refresh_requested");
    (void)s.opened(2, t0 + 1s);
    CHECK(s.disconnected(1, "warning") == socket_session::link_action::keep);
    CHECK(s.next(t0 + 2s).what == kind::wait);
}

TEST_CASE("too_many_websockets closes first and link_disabled stops for good") {
    socket_session crowded(3);
    (void)crowded.opened(1, t0);
    CHECK(crowded.disconnected(1, "too_many_websockets") == socket_session::link_action::close);
    crowded.closed(1, t0 + 1s);  // died young: counts
    auto step = crowded.next(t0 + 1s);
    CHECK(step.what == kind::sleep);
    CHECK(step.delay <= 1000ms);

    socket_session disabled(3);
    (void)disabled.opened(1, t0);
    CHECK(disabled.disconnected(1, "link_disabled") == socket_session::link_action::close);
    CHECK(disabled.disabled());
    CHECK(disabled.next(t0 + 1h).what == kind::stop);
}

TEST_CASE("failed opens back off, a Retry-After holds longer, and a refused token stops") {
    socket_session s(5);
    s.open_failed(t0, false, 0ms);
    auto first = s.next(t0);
    CHECK(first.what == kind::sleep);
    CHECK(first.delay >= 500ms);
    CHECK(first.delay <= 1000ms);
    CHECK(s.next(t0 + 1001ms).what == kind::open);

    s.open_failed(t0 + 2s, false, 30s);  // apps.connections.open answered 429, Retry-After: 30
    CHECK(s.next(t0 + 2s).delay == 30000ms);
    CHECK(s.next(t0 + 31s).what == kind::sleep);
    CHECK(s.next(t0 + 32s).what == kind::open);

    s.open_failed(t0 + 40s, true, 0ms);
    CHECK(s.next(t0 + 1h).what == kind::stop);
}

TEST_CASE("a connection that lived resets the backoff; one lost young grows it") {
    socket_session s(5);
    for (int i = 0; i < 3; ++i) s.open_failed(t0, false, 0ms);
    CHECK(s.failures() == 3);
    (void)s.opened(1, t0 + 10s);
    s.closed(1, t0 + 10s + 1h);
    CHECK(s.failures() == 0);
    CHECK(s.next(t0 + 10s + 1h).what == kind::open);
    (void)s.opened(2, t0 + 2h);
    s.closed(2, t0 + 2h + 2s);
    CHECK(s.failures() == 1);
    CHECK(s.next(t0 + 2h + 2s).what == kind::sleep);
}

TEST_CASE("stop ends the supervisor whatever it was waiting for") {
    socket_session s(5);
    s.open_failed(t0, false, 60s);
    s.stop();
    CHECK(s.next(t0).what == kind::stop);
}
