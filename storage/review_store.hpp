#pragma once
// The review's causal map (nodes and edges), the went well / wrong / lucky lists, which replies gave which
// answers, and the questions the review asked.
#include <optional>
#include <string>
#include <vector>

#include "domain/causal_map.hpp"
#include "domain/model.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

class review_store {
public:
    explicit review_store(database& db) : db_(db) {}

    domain::causal_map map(std::int64_t incident_id);
    // A factor (parent 0) or a cause of parent, numbered after what parent was given before.
    domain::cause_node add_node(std::int64_t incident_id, std::int64_t parent_id, const std::string& text,
                                const std::string& author, domain::timestamp at);
    void set_node_text(std::int64_t node_id, const std::string& text);
    void set_node_closed(std::int64_t node_id, bool closed);
    void skip_node(std::int64_t node_id);  // closed by `skip`: not explored
    // A node whose reply was deleted: gone when nothing hangs below it, else kept and marked "(removed)". A
    // node others were joined into lives on as the oldest of their answers; a node joined into another
    // takes back only the link its reply gave.
    void remove_node(std::int64_t node_id);
    // merged becomes kept: its effects and causes move over, and its number resolves to kept from now on.
    void join_nodes(std::int64_t kept, std::int64_t merged);
    // The join's reply was deleted: merged stands on its own again under the node it was given for (the
    // causes that moved to kept stay there: nobody can tell whose they were).
    void unjoin(std::int64_t merged);

    std::int64_t add_note(std::int64_t incident_id, const domain::review_note& note);  // returns its id
    void update_note_text(std::int64_t note_id, const std::string& text);
    void delete_note(std::int64_t note_id);
    std::vector<domain::review_note> notes(std::int64_t incident_id);

    // Which records a reply in the review thread became, so its edit or deletion follows into them.
    struct reply_target {
        std::string kind;  // "impact", "detection", "summary", "node", "note", "action"
        std::int64_t target_id = 0;
    };
    void record_reply(const std::string& workspace, const std::string& channel, const std::string& message_id,
                      const reply_target& target);
    std::vector<reply_target> replies_of(const std::string& workspace, const std::string& channel,
                                         const std::string& message_id);
    void forget_replies(const std::string& workspace, const std::string& channel,
                        const std::string& message_id);

    // The questions asked, so a reply answers the one posted last before it, even when it arrives late.
    struct question {
        domain::review_stage stage = domain::review_stage::none;
        std::string focus;
        domain::timestamp asked_at{};
    };
    void record_question(std::int64_t incident_id, const question& q);
    std::optional<question> question_before(std::int64_t incident_id, domain::timestamp at);

private:
    database& db_;
};

}  // namespace hindsight::storage
