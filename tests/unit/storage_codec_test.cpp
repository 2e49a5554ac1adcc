#include <catch2/catch.hpp>

#include "storage/codec.hpp"

using namespace hindsight;

TEST_CASE("every neutral event survives the inbox's JSON form, invalid UTF-8 included") {
    auto at = domain::from_millis(1772445600123);
    std::vector<chat::event> events{
        chat::message_posted{{"C1", true, false},
                             "1.2",
                             "1.1",
                             "U1",
                             "quote \" backslash \\ newline \n bad \xff",
                             at,
                             true,
                             "https://x/p1"},
        chat::message_edited{{"C1"}, "1.2", "new text ✅", at},
        chat::message_deleted{{"C1"}, "1.2", at},
        chat::reaction_changed{{"D1", true, true}, "1.2", "U2", "pushpin", false, at},
        chat::command_invoked{{"C1"}, "1.1", "U3", "start DB down sev1", at},
    };
    for (const auto& e : events) {
        auto decoded = storage::decode_event(storage::encode_event(e));
        REQUIRE(decoded);
        CHECK(decoded->index() == e.index());
        CHECK(storage::encode_event(*decoded) == storage::encode_event(e));
    }
    auto posted = std::get<chat::message_posted>(*storage::decode_event(storage::encode_event(events[0])));
    CHECK(posted.text == "quote \" backslash \\ newline \n bad \uFFFD");
    CHECK(posted.channel.is_private);
    CHECK(posted.from_bot);
    CHECK(posted.at == at);
}

TEST_CASE("unreadable rows are reported, not fatal") {
    CHECK_FALSE(storage::decode_event("not json"));
    CHECK_FALSE(storage::decode_event("{\"type\":\"posted\"}"));
    CHECK_FALSE(storage::decode_event("{\"type\":\"unknown\",\"channel\":{\"id\":\"C\"}}"));
    CHECK_FALSE(storage::decode_outgoing("{\"how\":99}"));
    chat::outgoing o;
    o.how = chat::delivery::thread;
    o.channel = "C1";
    o.thread_key = "review:3";
    o.text = "hello";
    o.buttons = {{"Done A-1", "done A-1"}, {"Done A-2", "done A-2"}};
    auto back = storage::decode_outgoing(storage::encode_outgoing(o));
    REQUIRE(back);
    CHECK(back->how == chat::delivery::thread);
    CHECK(back->thread_key == "review:3");
    CHECK(back->buttons == o.buttons);
}
