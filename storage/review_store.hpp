#pragma once
// Contributing factors with their why-chains, and the went well / wrong / lucky lists.
#include <optional>
#include <string>
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

    std::int64_t add_note(std::int64_t incident_id, const domain::review_note& note);  // returns its id

    // Which record a reply in the review thread became, so an edit of the reply can update it.
    struct answer {
        std::string kind;  // "impact", "factor", "why", "note", "action"
        std::int64_t target_id = 0;
    };
    void record_answer(const std::string& workspace, const std::string& channel,
                       const std::string& message_id, const answer& a);
    std::optional<answer> find_answer(const std::string& workspace, const std::string& channel,
                                      const std::string& message_id);
    void update_factor_text(std::int64_t factor_id, const std::string& text);
    void update_why_text(std::int64_t why_rowid, const std::string& text);
    void update_note_text(std::int64_t note_id, const std::string& text);
    // The rowid of a why, for record_answer.
    std::int64_t why_rowid(std::int64_t factor_id, int position);
    std::vector<domain::review_note> notes(std::int64_t incident_id);

private:
    database& db_;
};

}  // namespace hindsight::storage
