#include <catch2/catch.hpp>

#include "bot/common/rate_pause.hpp"
#include "bot/common/reconnect_policy.hpp"
#include "bot/common/signing.hpp"

using namespace hindsight::common;
using namespace std::chrono_literals;

namespace {

const rate_pause::time_point t0{std::chrono::hours{1}};

}  // namespace

TEST_CASE("a 429 pauses its scope only, until Retry-After has passed") {
    rate_pause paused;
    paused.pause("chat.postMessage", t0, 3000ms);
    CHECK(paused.remaining("chat.postMessage", t0 + 1s) == 2000ms);
    CHECK_FALSE(paused.remaining("reactions.add", t0 + 1s));
    CHECK_FALSE(paused.remaining("chat.postMessage", t0 + 3s));
    // A shorter second pause does not cut a longer first one short.
    paused.pause("", t0, 10s);
    paused.pause("", t0 + 1s, 1s);
    CHECK(paused.remaining("", t0 + 5s) == 5000ms);
}

TEST_CASE("the backoff doubles from a second up to its ceiling, jittered into the upper half") {
    std::minstd_rand random(1);
    CHECK(jittered_backoff(0, 60s, random) == 0ms);
    for (int failures = 1; failures <= 12; ++failures) {
        auto step = std::min<long long>(60000, 1000LL << (failures - 1));
        auto delay = jittered_backoff(failures, 60s, random).count();
        CHECK(delay >= step / 2);
        CHECK(delay <= step);
    }
    reconnect_policy policy(60s, 30s);
    policy.failed();
    policy.ended(t0, t0 + 29s);
    CHECK(policy.failures() == 2);
    policy.ended(t0, t0 + 30s);
    CHECK(policy.failures() == 0);
}

TEST_CASE("HMAC-SHA256 hex matches RFC 4231 test case 2, and secrets compare whole") {
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(equal_in_constant_time("abc", "abc"));
    CHECK_FALSE(equal_in_constant_time("abc", "abd"));
    CHECK_FALSE(equal_in_constant_time("abc", "abcd"));
    CHECK_FALSE(matches_secret("", ""));  // no secret configured: nothing matches
    CHECK(matches_secret("s3cret", "s3cret"));
}
