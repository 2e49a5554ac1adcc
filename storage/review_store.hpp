#pragma once
// Contributing factors with their why-chains, and the went well / wrong / lucky lists.
#include <vector>

#include "domain/model.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

class review_store {
public:
    explicit review_store(database& db) : db_(db) {}

    domain::factor add_factor(std::int64_t incident_id, const std::string& text, const std::string& author);
    void add_why(std::int64_t factor_id, int position, const std::string& text, const std::string& author);
    void close_chain(std::int64_t factor_id);
    std::vector<domain::factor> factors(std::int64_t incident_id);  // with whys, by position

    void add_note(std::int64_t incident_id, const domain::review_note& note);
    std::vector<domain::review_note> notes(std::int64_t incident_id);

private:
    database& db_;
};

}  // namespace hindsight::storage
