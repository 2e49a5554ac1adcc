#include <catch2/catch.hpp>

#include "domain/causal_map.hpp"

using namespace hindsight::domain;

namespace {

// F1 ─ F1.1 ─ F1.1.1, F1 ─ F1.2, F2 ─ F2.1: ids in creation order.
causal_map sample(std::vector<cause_edge> extra = {}, std::int64_t merged = 0, std::int64_t into = 0) {
    std::vector<cause_node> nodes{{1, "F1", 0, 0, "pool lowered", "a"},  {2, "F2", 0, 0, "no breaker", "b"},
                                  {3, "F1.1", 1, 1, "no review", "c"},   {4, "F1.2", 1, 1, "no canary", "d"},
                                  {5, "F1.1.1", 3, 2, "no owners", "a"}, {6, "F2.1", 2, 1, "no owner", "b"}};
    std::vector<cause_edge> edges{{1, 3}, {1, 4}, {3, 5}, {2, 6}};
    for (auto& e : extra) edges.push_back(e);
    if (merged != 0)
        for (auto& n : nodes)
            if (n.id == merged) n.merged_into = into;
    return causal_map(std::move(nodes), std::move(edges));
}

std::string labels(const std::vector<const cause_node*>& nodes) {
    std::string out;
    for (const auto* n : nodes) out += (out.empty() ? "" : " ") + n->label;
    return out;
}

}  // namespace

TEST_CASE("the walk is depth first: a cause's own causes come before its siblings, then the next factor") {
    auto map = sample();
    CHECK(labels(map.walk()) == "F1 F1.1 F1.1.1 F1.2 F2 F2.1");
    CHECK(map.next_question(0, 5)->label == "F1");
    CHECK(map.next_question(3, 5)->label == "F1.1.1");
    CHECK(map.next_question(5, 5)->label == "F1.2");
    CHECK(map.next_question(6, 5) == nullptr);
    // max_whys bounds the depth: F1.1.1 (depth 2) gets no question when max is 2.
    CHECK(map.next_question(3, 2)->label == "F1.2");
    CHECK(map.factor_of(5)->label == "F1");
    CHECK(map.first_question_after_factor(4, 5)->label == "F2");
}

TEST_CASE("open branches, root causes and completeness") {
    auto map = sample();
    CHECK(labels(map.open_branches(5)) == "F1.1.1 F1.2 F2.1");
    CHECK(map.factors_without_causes().empty());
    CHECK_FALSE(map.complete(5));
    CHECK(map.complete(1));  // every leaf is at the deepest "why" allowed
    std::vector<cause_node> closed{{1, "F1", 0, 0, "x", "a"}, {2, "F1.1", 1, 1, "y", "a", true}};
    causal_map done(closed, {{1, 2}});
    CHECK(done.complete(5));
    CHECK(done.is_root_cause(*done.find("F1.1"), 5));
    CHECK_FALSE(causal_map({{1, "F1", 0, 0, "x", "a"}}, {}).complete(5));  // a factor without a cause
}

TEST_CASE("joins keep the older node, resolve the newer number to it, and refuse cycles") {
    // F2.1 joined into F1.2: F2 now leads to F1.2.
    auto map = sample({{2, 4}}, 6, 4);
    CHECK(map.find("F2.1")->label == "F1.2");
    CHECK(labels(map.causes_of(2)) == "F1.2");
    CHECK(labels(map.walk()) == "F1 F1.1 F1.1.1 F1.2 F2");  // a shared node is walked once
    auto plan = sample().plan_join("F2.1", "F1.2");
    REQUIRE(plan);
    CHECK(plan->kept == 4);  // F1.2 is older than F2.1
    CHECK(plan->merged == 6);
    CHECK_FALSE(sample().plan_join("F1.1", "F1.1.1"));  // one leads to the other
    CHECK_FALSE(sample().plan_join("F1", "F1.1.1"));
    CHECK_FALSE(sample().plan_join("F1.2", "f1.2"));
    CHECK_FALSE(sample().plan_join("F9", "F1"));
}

TEST_CASE("a removed node stays while causes hang below it, and vanishes when none do") {
    std::vector<cause_node> nodes{
        {1, "F1", 0, 0, "x", "a"}, {2, "F1.1", 1, 1, "y", "a"}, {3, "F1.1.1", 2, 2, "z", "a"}};
    nodes[1].removed = true;
    causal_map kept(nodes, {{1, 2}, {2, 3}});
    CHECK(labels(kept.walk()) == "F1 F1.1 F1.1.1");
    CHECK(kept.next_question(1, 5)->label == "F1.1.1");  // no question about a removed node
    causal_map gone(nodes, {{1, 2}});
    CHECK(labels(gone.walk()) == "F1");
}

TEST_CASE("child labels extend the parent's and never reuse a number") {
    cause_node parent{7, "F2.1", 0, 1, "x", "a"};
    parent.children_made = 2;
    CHECK(child_label(parent) == "F2.1.3");
}
