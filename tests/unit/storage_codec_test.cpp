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
        chat::message_posted{{"C1"}, "1.3", "", "U1", "read back", at, false, "", 7},
        chat::reaction_changed{{"C1"}, "1.3", "U2", "pushpin", true, at, 7},
        chat::history_read{
            {"C1", true, false}, 7, "Slack's conversations.history answered missing_scope", at},
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
    CHECK(posted.import_id == 0);
    CHECK(
        std::get<chat::message_posted>(*storage::decode_event(storage::encode_event(events[5]))).import_id ==
        7);
    CHECK(std::get<chat::reaction_changed>(*storage::decode_event(storage::encode_event(events[6])))
              .import_id == 7);
    auto done = std::get<chat::history_read>(*storage::decode_event(storage::encode_event(events[7])));
    CHECK(done.import_id == 7);
    CHECK(done.problem.find("missing_scope") != std::string::npos);
}

TEST_CASE("unreadable rows are reported, not fatal") {
    CHECK_FALSE(storage::decode_event("not json"));
    CHECK_FALSE(storage::decode_event("{\"type\":\"posted\"}"));
    CHECK_FALSE(storage::decode_event("{\"type\":\"unknown\",\"channel\":{\"id\":\"C\"}}"));
    CHECK_FALSE(storage::decode_outgoing("{\"how\":99}"));
    chat::thread_reply o;
    o.channel = "C1";
    o.thread_key = "review:3";
    o.text = "hello";
    o.buttons = {{"Done A-1", "done A-1"}, {"Done A-2", "done A-2"}};
    auto back = storage::decode_outgoing(storage::encode_outgoing(o));
    REQUIRE(back);
    REQUIRE(chat::kind_of(*back) == chat::delivery::thread);
    CHECK(std::get<chat::thread_reply>(*back).thread_key == "review:3");
    CHECK(chat::buttons_of(*back) == o.buttons);
}

TEST_CASE("every kind of outgoing message survives the outbox, and rows written as one struct still read") {
    std::vector<chat::outgoing> all{
        chat::channel_post{"C1", "declared", {{"Ack", "ack"}}, "header:7"},
        chat::thread_reply{"C1", "why?", "1.2", "", {}, "summary:7"},
        chat::ephemeral_note{"C1", "U1", "only you", "1.2"},
        chat::direct_message{"U1", "digest", {{"Done A-1", "done A-1", ""}}},
        chat::reaction{"C1", "1.3", "pushpin"},
        chat::reaction{"C1", "1.3", "white_check_mark", true},
        chat::file_upload{"C1", "inc-7-postmortem.md", "# INC-7\n", "1.2"},
        chat::message_edit{"C1", "updated", "", "header:7", {}},
        chat::channel_request{"inc-7-db", true, "U1", "C1", "new-channel:INC-7"},
    };
    for (const auto& message : all) {
        auto back = storage::decode_outgoing(storage::encode_outgoing(message));
        REQUIRE(back);
        CHECK(storage::encode_outgoing(*back) == storage::encode_outgoing(message));
        CHECK(back->index() == message.index());
    }
    CHECK(std::get<chat::reaction>(*storage::decode_outgoing(storage::encode_outgoing(all[5]))).remove);
    CHECK_FALSE(std::get<chat::reaction>(*storage::decode_outgoing(storage::encode_outgoing(all[4]))).remove);
    // An edit queued by version 0.1 named its target in thread_key.
    auto old_edit =
        storage::decode_outgoing(R"({"how":6,"channel":"C1","user":"","text":"s","thread_key":"review:7"})");
    REQUIRE(old_edit);
    CHECK(std::get<chat::message_edit>(*old_edit).edit_key == "review:7");
    auto old_create = storage::decode_outgoing(
        R"({"how":7,"channel":"C1","user":"U1","text":"inc-7","defines_channel":"new-channel:INC-7","private_channel":true})");
    REQUIRE(old_create);
    auto request = std::get<chat::channel_request>(*old_create);
    CHECK(request.name == "inc-7");
    CHECK(request.is_private);
    CHECK(request.placeholder == "new-channel:INC-7");
    CHECK(request.requested_in == "C1");
}
