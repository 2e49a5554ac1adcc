#include <catch2/catch.hpp>

#include "domain/text.hpp"

using namespace hindsight::domain;

TEST_CASE("crowd mentions in user text cannot ping") {
    CHECK(defuse_crowd_mentions("@channel the db is down") == "@\u2060channel the db is down");
    CHECK(defuse_crowd_mentions("hey @here and @ALL") == "hey @\u2060here and @\u2060ALL");
    CHECK(defuse_crowd_mentions("@everyone") == "@\u2060everyone");
    // Mattermost strips trailing '_', '-', ':' and '.' before matching: those still ping there.
    CHECK(defuse_crowd_mentions("ask @channel_ and @here- now") ==
          "ask @\u2060channel_ and @\u2060here- now");
    CHECK(defuse_crowd_mentions("@channels @allison @here2") == "@channels @allison @here2");
    CHECK(defuse_crowd_mentions("<!channel> <!here|here> <!subteam^S1>") ==
          "<\u2060!channel> <\u2060!here|here> <\u2060!subteam^S1>");
    // Not crowd mentions: people, e-mail addresses, longer words.
    CHECK(defuse_crowd_mentions("@alice and bob@here.com") == "@alice and bob@here.com");
    CHECK(defuse_crowd_mentions("@channels @allison") == "@channels @allison");
    CHECK(defuse_crowd_mentions("@channel.") == "@\u2060channel.");
}

TEST_CASE("invalid UTF-8 is replaced, valid text is kept") {
    CHECK(is_valid_utf8("héllo ✅"));
    CHECK_FALSE(is_valid_utf8("bad \xff byte"));
    CHECK(sanitize_utf8("bad \xff byte") == "bad \uFFFD byte");
    CHECK(sanitize_utf8("\xc3") == "\uFFFD");                      // truncated sequence
    CHECK(sanitize_utf8("\xed\xa0\x80") == "\uFFFD\uFFFD\uFFFD");  // a UTF-16 surrogate
    CHECK(sanitize_utf8("\xc0\xaf") == "\uFFFD\uFFFD");            // overlong encoding
}

TEST_CASE("lengths and truncation count code points") {
    CHECK(utf8_length("✅✅") == 2);
    CHECK(truncate_utf8("✅✅✅", 2) == "✅✅…");
    CHECK(truncate_utf8("abc", 3) == "abc");
}

TEST_CASE("slugs for channel names") {
    CHECK(slugify("DB latency in EU-West!", 40) == "db-latency-in-eu-west");
    CHECK(slugify("!!!", 40) == "incident");
    CHECK(slugify("a very long title that goes on", 10) == "a-very-lon");
}

TEST_CASE("trim and case-insensitive prefixes") {
    CHECK(trim("  x y \n") == "x y");
    CHECK(starts_with_ci("TL: hello", "tl:"));
    CHECK_FALSE(starts_with_ci("t", "tl:"));
}
