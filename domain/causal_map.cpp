#include "domain/causal_map.hpp"

#include <algorithm>
#include <set>

namespace hindsight::domain {

causal_map::causal_map(std::vector<cause_node> nodes, std::vector<cause_edge> edges)
    : nodes_(std::move(nodes)), edges_(std::move(edges)) {
    std::sort(nodes_.begin(), nodes_.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
}

std::int64_t causal_map::resolve(std::int64_t id) const {
    // Joins can chain (F3 into F2.1, later F2.1 into F1.1); the bound guards against a corrupt row.
    for (int hops = 0; hops < 64; ++hops) {
        auto it = std::lower_bound(nodes_.begin(), nodes_.end(), id,
                                   [](const cause_node& n, std::int64_t v) { return n.id < v; });
        if (it == nodes_.end() || it->id != id) return 0;
        if (it->merged_into == 0) return id;
        id = it->merged_into;
    }
    return 0;
}

const cause_node* causal_map::find(std::int64_t id) const {
    id = resolve(id);
    auto it = std::lower_bound(nodes_.begin(), nodes_.end(), id,
                               [](const cause_node& n, std::int64_t v) { return n.id < v; });
    return it == nodes_.end() || it->id != id ? nullptr : &*it;
}

const cause_node* causal_map::find(std::string_view label) const {
    auto normal = parse_node_label(label);
    if (!normal) return nullptr;
    for (const auto& n : nodes_)
        if (n.label == *normal) return find(n.id);
    return nullptr;
}

std::vector<const cause_node*> causal_map::factors() const {
    std::vector<const cause_node*> out;
    for (const auto& n : nodes_)
        if (n.depth == 0 && n.merged_into == 0 && (!n.removed || !causes_of(n.id).empty())) out.push_back(&n);
    std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
        return std::stoi(a->label.substr(1)) < std::stoi(b->label.substr(1));
    });
    return out;
}

std::vector<const cause_node*> causal_map::causes_of(std::int64_t id) const {
    std::vector<const cause_node*> out;
    for (const auto& e : edges_) {
        if (e.effect != id) continue;
        const auto* cause = find(e.cause);
        if (!cause || std::find(out.begin(), out.end(), cause) != out.end()) continue;
        // A removed node stays only while it still explains something below it.
        if (cause->removed && causes_of(cause->id).empty()) continue;
        out.push_back(cause);
    }
    std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
    return out;
}

namespace {

struct walk_step {
    const cause_node* node;
    bool blocked;  // under a closed node: no more questions there
};

void walk_from(const causal_map& map, const cause_node* node, bool blocked, std::set<std::int64_t>& seen,
               std::vector<walk_step>& out) {
    if (!seen.insert(node->id).second) return;
    out.push_back({node, blocked});
    for (const auto* cause : map.causes_of(node->id))
        walk_from(map, cause, blocked || node->closed, seen, out);
}

std::vector<walk_step> full_walk(const causal_map& map) {
    std::vector<walk_step> out;
    std::set<std::int64_t> seen;
    for (const auto* f : map.factors()) walk_from(map, f, false, seen, out);
    return out;
}

bool asks(const walk_step& step, int max_whys) {
    return !step.blocked && !step.node->closed && !step.node->removed && step.node->depth < max_whys;
}

}  // namespace

std::vector<const cause_node*> causal_map::walk() const {
    std::vector<const cause_node*> out;
    for (const auto& step : full_walk(*this)) out.push_back(step.node);
    return out;
}

const cause_node* causal_map::factor_of(std::int64_t id) const {
    const cause_node* current = nullptr;
    for (const auto& step : full_walk(*this)) {
        if (step.node->depth == 0) current = step.node;
        if (step.node->id == resolve(id)) return current;
    }
    return nullptr;
}

bool causal_map::under_closed(const cause_node& node) const {
    for (const auto& step : full_walk(*this))
        if (step.node->id == node.id) return step.blocked;
    return false;
}

bool causal_map::asks_about(const cause_node& node, int max_whys) const {
    return !node.closed && !node.removed && node.depth < max_whys && !under_closed(node);
}

const cause_node* causal_map::next_question(std::int64_t after, int max_whys) const {
    auto steps = full_walk(*this);
    std::size_t start = 0;
    if (after != 0) {
        auto target = resolve(after);
        auto at =
            std::find_if(steps.begin(), steps.end(), [&](const auto& s) { return s.node->id == target; });
        // A focus that vanished (its reply was deleted) restarts the walk: nothing is skipped.
        start = at == steps.end() ? 0 : static_cast<std::size_t>(at - steps.begin()) + 1;
    }
    for (auto i = start; i < steps.size(); ++i)
        if (asks(steps[i], max_whys)) return steps[i].node;
    return nullptr;
}

const cause_node* causal_map::first_question_after_factor(std::int64_t after, int max_whys) const {
    const auto* factor = factor_of(after);
    auto all = factors();
    auto at = std::find(all.begin(), all.end(), factor);
    if (at == all.end()) return next_question(0, max_whys);
    for (++at; at != all.end(); ++at) {
        if (asks_about(**at, max_whys)) return *at;
        if (const auto* next = next_question((*at)->id, max_whys); next && factor_of(next->id) == *at)
            return next;
    }
    return nullptr;
}

bool causal_map::is_root_cause(const cause_node& node, int max_whys) const {
    return node.depth > 0 && !node.removed && !node.skipped && causes_of(node.id).empty() &&
           !asks_about(node, max_whys);
}

std::vector<const cause_node*> causal_map::open_branches(int max_whys) const {
    std::vector<const cause_node*> out;
    for (const auto& step : full_walk(*this))
        if (asks(step, max_whys) && causes_of(step.node->id).empty()) out.push_back(step.node);
    return out;
}

std::vector<const cause_node*> causal_map::factors_without_causes() const {
    std::vector<const cause_node*> out;
    for (const auto* f : factors())
        if (causes_of(f->id).empty()) out.push_back(f);
    return out;
}

bool causal_map::complete(int max_whys) const {
    return !factors().empty() && factors_without_causes().empty() && open_branches(max_whys).empty();
}

bool causal_map::reaches(std::int64_t from, std::int64_t to) const {
    std::vector<std::int64_t> stack{from};
    std::set<std::int64_t> seen;
    while (!stack.empty()) {
        auto id = stack.back();
        stack.pop_back();
        if (id == to) return true;
        if (!seen.insert(id).second) continue;
        for (const auto& e : edges_)
            if (resolve(e.effect) == id) stack.push_back(resolve(e.cause));
    }
    return false;
}

result<causal_map::join_plan> causal_map::plan_join(std::string_view a, std::string_view b) const {
    const auto* first = find(a);
    const auto* second = find(b);
    if (!first || !second) {
        auto missing = !first ? a : b;
        return make_error(errc::not_found, "There is no " + std::string(missing) + " in the causal map.");
    }
    if (first == second) return make_error(errc::conflict, first->label + " is already that node.");
    const auto* older = first->id < second->id ? first : second;
    const auto* newer = older == first ? second : first;
    // Merging two nodes on one path would make the node its own cause.
    if (reaches(older->id, newer->id) || reaches(newer->id, older->id))
        return make_error(errc::conflict, "Joining " + first->label + " and " + second->label +
                                              " would make a cycle: one already leads to the other.");
    return join_plan{older->id, newer->id};
}

std::optional<std::string> parse_node_label(std::string_view word) {
    if (word.size() < 2 || (word[0] != 'F' && word[0] != 'f')) return std::nullopt;
    std::string out = "F";
    bool need_digit = true;
    for (std::size_t i = 1; i < word.size(); ++i) {
        char c = word[i];
        if (c >= '0' && c <= '9') {
            if (need_digit && c == '0') return std::nullopt;  // "F0", "F1.01": not numbers we give
            out += c;
            need_digit = false;
        } else if (c == '.' && !need_digit) {
            out += c;
            need_digit = true;
        } else {
            return std::nullopt;
        }
    }
    if (need_digit) return std::nullopt;
    return out;
}

std::string child_label(const cause_node& parent) {
    return parent.label + "." + std::to_string(parent.children_made + 1);
}

}  // namespace hindsight::domain
