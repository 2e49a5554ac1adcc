#pragma once
// Action items and the history of who changed what.
#include <optional>
#include <vector>

#include "domain/model.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

struct action_query {
    std::string workspace;
    std::optional<std::string> owner;
    std::optional<std::int64_t> incident_id;
    bool open_only = true;
    // Only actions of incidents with this service or tag (SPEC §11): {"service", "checkout"}.
    std::optional<std::pair<std::string, std::string>> incident_label = {};
};

class action_store {
public:
    explicit action_store(database& db) : db_(db) {}

    std::int64_t insert(domain::action_item& action);  // fills action.id; number must be set
    void update(const domain::action_item& action);
    void record_change(std::int64_t action_id, const domain::action_change& change);
    std::optional<domain::action_item> find(const std::string& workspace, int number);  // with history
    std::vector<domain::action_item> list(const action_query& query);       // by number, no history
    std::optional<domain::action_item> find_by_id(std::int64_t action_id);  // with history
    // Takes an action item back as if it was never given (its review reply was deleted). Its number stays
    // used, so A-n never comes to mean another item.
    void remove(std::int64_t action_id);

private:
    database& db_;
};

}  // namespace hindsight::storage
