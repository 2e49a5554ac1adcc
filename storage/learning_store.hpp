#pragma once
// What is learned across incidents (SPEC §11): relations recorded by hand, factors that came back after a
// past incident's fix, and the rows a report is computed from.
#include <optional>
#include <string>
#include <vector>

#include "domain/insights.hpp"
#include "domain/model.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

struct incident_link {
    std::int64_t other_id = 0;
    std::string linked_by;
    domain::timestamp linked_at{};
};

struct recurrence {
    std::int64_t incident_id = 0, node_id = 0;
    std::int64_t past_incident_id = 0, past_node_id = 0;
    std::string fixed_by;  // "A-4, A-5"
    domain::timestamp found_at{};
    // Read back with the nodes' labels and texts.
    std::string node_label, past_node_label, past_node_text;
};

// A factor or cause of another incident, found by its words.
struct node_match {
    std::int64_t incident_id = 0, node_id = 0;
    std::string label, text;
};

class learning_store {
public:
    explicit learning_store(database& db) : db_(db) {}

    // false when the two were linked already (link) or not linked (unlink).
    bool link(std::int64_t a, std::int64_t b, const std::string& by, domain::timestamp at);
    bool unlink(std::int64_t a, std::int64_t b);
    std::vector<incident_link> links_of(std::int64_t incident_id);

    // false when the node had a recurrence recorded already.
    bool record_recurrence(const recurrence& r);
    std::vector<recurrence> recurrences_of(std::int64_t incident_id);
    // The live factors and causes of the workspace's other incidents numbered below `before_number` whose
    // incident matches the FTS5 query, the closest incidents first (at most `incidents` of them).
    std::vector<node_match> earlier_nodes(const std::string& workspace, const std::string& fts_query,
                                          int before_number, std::size_t incidents);

    // Actions of the workspace closed in [since, until), for the digest's action health: by the close index.
    struct closed_action {
        domain::action_status status = domain::action_status::done;
        domain::timestamp created_at{}, closed_at{};
    };
    std::vector<closed_action> closed_between(const std::string& workspace, domain::timestamp since,
                                              domain::timestamp until);

    // Everything a report over [since, until) reads; incidents filtered by service when one is given.
    domain::insight_input report_rows(const std::string& workspace, domain::timestamp since,
                                      domain::timestamp until, const std::string& service);

private:
    database& db_;
};

}  // namespace hindsight::storage
