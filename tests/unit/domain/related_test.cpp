#include <catch2/catch.hpp>

#include "domain/related.hpp"

using namespace hindsight::domain;

TEST_CASE("related: content words are lower case, stemmed, without stop words, short words or repeats") {
    auto words = content_words("The DB connection pool was exhausted AGAIN after the deploy; pool pools!");
    CHECK(words == std::vector<std::string>{"connection", "pool", "exhaust", "deploy"});
    CHECK(content_words("a an of to", 8).empty());
    CHECK(content_words("one two three four five", 2).size() == 2);
}

TEST_CASE("related: the FTS5 query quotes every word, so typed syntax is not syntax") {
    CHECK(related_query({"pool", "exhaust"}) == "\"pool\" OR \"exhaust\"");
    CHECK(related_query({}).empty());
    // content_words keeps only letters and digits: quotes, NEAR(), column filters cannot get through.
    CHECK(related_query(content_words("title: \"x\" NEAR(a b) OR body:*")) ==
          "\"title\" OR \"near\" OR \"body\"");
}

TEST_CASE("related: the score adds the share of words, shared services and tags; explained in words") {
    relation_evidence e;
    e.words = 4;
    e.shared_words = {"pool", "connection"};
    CHECK(related_score(e) == Approx(1.0));  // half the words: exactly at the threshold
    e.shared_services = {"checkout", "database", "payments"};
    CHECK(related_score(e) == Approx(2.2));  // at most two services count
    e.shared_tags = {"dns"};
    CHECK(related_score(e) == Approx(2.5));
    CHECK(explain_relation(e) ==
          "shares services checkout, database, payments; tag dns; words pool, connection");
    CHECK(related_score(relation_evidence{}) == 0.0);
    CHECK(explain_relation(relation_evidence{}).empty());
}
