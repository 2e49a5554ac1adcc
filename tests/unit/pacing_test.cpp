#include <catch2/catch.hpp>

#include "chat/pacing.hpp"

using namespace hindsight;
using namespace std::chrono;

TEST_CASE("a burst goes at once, then one message per interval per destination") {
    chat::pacer p({milliseconds{1000}, 3});
    auto t0 = *domain::parse_iso("2026-03-04T10:00:00Z");
    CHECK(p.take("C1", t0) == t0);
    CHECK(p.take("C1", t0) == t0);
    CHECK(p.take("C1", t0) == t0);
    auto next = p.take("C1", t0);
    CHECK(next > t0);
    CHECK(next - t0 <= milliseconds{1001});
    CHECK(p.take("C2", t0) == t0);  // another channel has its own bucket
    CHECK(p.take("C1", next) == next);
    // Over a minute of steady demand, about one per second goes out: never more than burst + elapsed seconds.
    int sent = 0;
    for (auto t = next; t < next + seconds{60}; t += milliseconds{100})
        if (p.take("C1", t) == t) ++sent;
    CHECK(sent >= 59);
    CHECK(sent <= 61);
    p.forget_idle(next + hours{1});
    CHECK(p.take("C1", next + hours{1}) == next + hours{1});
}
