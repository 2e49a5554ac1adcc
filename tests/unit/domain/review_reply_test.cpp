#include <catch2/catch.hpp>

#include "domain/causal_map.hpp"
#include "domain/review_reply.hpp"

using namespace hindsight::domain;

namespace {
reply_kind kind_of(std::string_view text) {
    return classify_review_reply(text, "incident").kind;
}
}  // namespace

TEST_CASE(
    "control words are exactly next, skip, done and none, alone, any case, trailing punctuation ignored") {
    CHECK(parse_control_word("next") == control_word::next);
    CHECK(parse_control_word("  Skip. ") == control_word::skip);
    CHECK(parse_control_word("DONE!") == control_word::done);
    CHECK(parse_control_word("none…") == control_word::none);
    CHECK_FALSE(parse_control_word("next please"));
    CHECK_FALSE(parse_control_word("nexts"));
    CHECK_FALSE(parse_control_word("finished"));
    CHECK(kind_of("Next!") == reply_kind::control);
    CHECK(kind_of("next step is to roll back") == reply_kind::answer);
}

TEST_CASE("chatter, questions and asides are never answers") {
    for (auto text : {"+1", "agree", "Agreed.", "same", "thanks", "Thank you!", "ok", "OK", "👍",
                      "👍🏽 🎉", ":+1:", ":thumbsup: :tada:", "  "})
        CHECK(kind_of(text) == reply_kind::chatter);
    CHECK(kind_of("was it only EU?") == reply_kind::question);
    CHECK(kind_of("F2: was it the pool?") == reply_kind::question);
    CHECK(kind_of("> what Bob said earlier") == reply_kind::aside);
    CHECK(kind_of("+1 and the pool was too small") == reply_kind::answer);
    CHECK(kind_of("ok so the pool size was halved") == reply_kind::answer);
    CHECK_FALSE(is_emoji_only("👍 yes"));
    CHECK_FALSE(is_emoji_only(":not closed"));
}

TEST_CASE("a reply starting with the trigger word is a command, with or without the slash") {
    auto r = classify_review_reply("incident factor Config pushes skip review", "incident");
    CHECK(r.kind == reply_kind::command);
    CHECK(r.text == "factor Config pushes skip review");
    CHECK(classify_review_reply("/incident status", "incident").text == "status");
    CHECK(kind_of("incidents happen when configs drift") == reply_kind::answer);
    CHECK(classify_review_reply("/inc why F1 x", "inc").kind == reply_kind::command);
}

TEST_CASE("nodes are addressed as F2: and F2.1:, and joined with =") {
    auto r = classify_review_reply("F2.1: the pool was halved", "incident");
    CHECK(r.kind == reply_kind::addressed);
    CHECK(r.node == "F2.1");
    CHECK(r.text == "the pool was halved");
    auto closing = classify_review_reply("f1.2: Done.", "incident");
    CHECK(closing.kind == reply_kind::addressed);
    CHECK(closing.control == control_word::done);
    auto join = classify_review_reply("F2.1 = f1.2", "incident");
    CHECK(join.kind == reply_kind::join);
    CHECK(join.node == "F2.1");
    CHECK(join.other == "F1.2");
    // Not addresses: a word that only starts like one, a time, a ratio in text.
    CHECK(kind_of("Fix: the pool") == reply_kind::answer);
    CHECK(kind_of("F0: nothing") == reply_kind::answer);
    CHECK(kind_of("at 14:05 the pool shrank") == reply_kind::answer);
    CHECK(kind_of("F2.1 = the same as before") == reply_kind::answer);
}

TEST_CASE("node labels normalise and refuse what the map never gives") {
    CHECK(parse_node_label("f2.1.3") == "F2.1.3");
    CHECK_FALSE(parse_node_label("F"));
    CHECK_FALSE(parse_node_label("F2."));
    CHECK_FALSE(parse_node_label("F2..1"));
    CHECK_FALSE(parse_node_label("F01"));
    CHECK_FALSE(parse_node_label("G2"));
}
