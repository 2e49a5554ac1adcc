#include <catch2/catch.hpp>

#include "bot/slack/socket_mode.hpp"

using namespace hindsight::slack;

TEST_CASE("any disconnect is make-before-break, except a disabled link and too many websockets") {
    CHECK(on_disconnect("refresh_requested") == disconnect_action::replace);
    CHECK(on_disconnect("warning") == disconnect_action::replace);
    CHECK(on_disconnect("socket_mode_maintenance") ==
          disconnect_action::replace);  // a reason Slack adds later
    CHECK(on_disconnect("") == disconnect_action::replace);
    CHECK(on_disconnect("too_many_websockets") == disconnect_action::reconnect);
    CHECK(on_disconnect("link_disabled") == disconnect_action::stop);
}

TEST_CASE("an envelope that is not valid JSON is still acked when its id can be read") {
    bot_identity self{"U0BOT", "B0BOT"};
    auto broken = read_socket_frame(
        R"({"envelope_id": "57d6a792-4d35-4d0b-b6aa", "type": "events_api", "payload": {)", self);
    CHECK(broken.what == socket_frame::kind::malformed);
    CHECK(broken.envelope_id == "57d6a792-4d35-4d0b-b6aa");
    auto hopeless = read_socket_frame("not json at all", self);
    CHECK(hopeless.what == socket_frame::kind::malformed);
    CHECK(hopeless.envelope_id.empty());
    auto odd = read_socket_frame(R"({"envelope_id": "a\"b", )", self);
    CHECK(odd.envelope_id.empty());  // not an id we would send back
    auto no_payload = read_socket_frame(R"({"envelope_id": "e1", "type": "events_api"})", self);
    CHECK(no_payload.what == socket_frame::kind::malformed);
    CHECK(no_payload.envelope_id == "e1");
}
