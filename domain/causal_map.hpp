#pragma once
// The review's causal map (SPEC §4): contributing factors and their causes form a graph, not a list.
// Nodes are numbered F2, F2.1, F2.1.1 … by where they were first given; several causes of one node are
// branches; a join makes two nodes one (a cause shared by two factors), so a node can have several effects.
// Pure data and functions: the walk order, joins and completeness are decided here, storage only keeps rows.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::domain {

struct cause_node {
    std::int64_t id = 0;
    std::string label;  // "F2", "F2.1"
    // The node it was first given under (0 for a factor); its label extends that node's label.
    std::int64_t origin = 0;
    int depth = 0;  // 0 for a factor
    std::string text;
    std::string author;            // user id
    bool closed = false;           // the branch ends here: `done` (a root cause), or `skip` on its factor
    bool skipped = false;          // closed by `skip`: nobody explored it, so it is no root cause
    bool removed = false;          // its reply was deleted while causes hang below it: kept as "(removed)"
    std::int64_t merged_into = 0;  // joined into this older node; the row stays so its number resolves
    int children_made = 0;         // causes ever numbered under it, so numbers are never reused
    timestamp created_at{};
};

// "effect happened because of cause": the edges of the map, effect → cause.
struct cause_edge {
    std::int64_t effect = 0;
    std::int64_t cause = 0;
    bool operator==(const cause_edge&) const = default;
};

class causal_map {
public:
    causal_map() = default;
    causal_map(std::vector<cause_node> nodes, std::vector<cause_edge> edges);

    const std::vector<cause_node>& nodes() const { return nodes_; }
    const std::vector<cause_edge>& edges() const { return edges_; }
    bool empty() const { return factors().empty(); }

    // A node by id or by label ("f2.1" works too); a joined node resolves to the node it was joined into.
    const cause_node* find(std::int64_t id) const;
    const cause_node* find(std::string_view label) const;
    // The factors in number order, and a node's causes in the order they were given (joined and
    // removed-without-causes nodes left out).
    std::vector<const cause_node*> factors() const;
    std::vector<const cause_node*> causes_of(std::int64_t id) const;
    // Every live node once, depth first: a factor, its first cause, that cause's causes, then its siblings,
    // then the next factor. This is the order the review asks "Why did … happen?".
    std::vector<const cause_node*> walk() const;
    // The factor a node belongs to (for a shared cause, the first factor that reaches it).
    const cause_node* factor_of(std::int64_t id) const;

    // Whether the node still gets a question: not closed, under no closed node, and above max_whys.
    bool asks_about(const cause_node& node, int max_whys) const;
    // The question after `after` in walk order (the first question when after is 0), or none at the end.
    const cause_node* next_question(std::int64_t after, int max_whys) const;
    // The first question of the factor after the one `after` belongs to (for `skip`).
    const cause_node* first_question_after_factor(std::int64_t after, int max_whys) const;

    // A leaf where the team stopped asking: `done` on it or above it, or the deepest "why" allowed (not a
    // branch the team skipped).
    bool is_root_cause(const cause_node& node, int max_whys) const;
    // Leaves that still ask for a cause: no cause, not closed, not at max depth.
    std::vector<const cause_node*> open_branches(int max_whys) const;
    std::vector<const cause_node*> factors_without_causes() const;
    bool complete(int max_whys) const;

    // A join of two nodes: which one stays (the older, so numbers people already used keep meaning) and
    // which goes; refused when it would make a cycle (one already leads to the other) or names one node.
    struct join_plan {
        std::int64_t kept = 0;
        std::int64_t merged = 0;
    };
    result<join_plan> plan_join(std::string_view a, std::string_view b) const;

private:
    bool reaches(std::int64_t from, std::int64_t to) const;  // along effect → cause edges
    std::int64_t resolve(std::int64_t id) const;
    bool under_closed(const cause_node& node) const;

    std::vector<cause_node> nodes_;
    std::vector<cause_edge> edges_;
};

// "F2", "f2.1.3" → normalised "F2.1.3"; anything else → nullopt.
std::optional<std::string> parse_node_label(std::string_view word);
// The label of the next cause given under parent: parent's label + "." + (children_made + 1).
std::string child_label(const cause_node& parent);

}  // namespace hindsight::domain
