#pragma once
// Incidents, per-workspace numbering and the people directory.
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

enum class incident_filter { open, recent, all };
enum class label_kind { service, tag };

struct user_profile {
    std::string id;
    std::string display_name;
    std::string time_zone;  // IANA name, empty when the platform did not say
};

class incident_store {
public:
    explicit incident_store(database& db) : db_(db) {}

    // Creates the workspace row on first use and hands out INC-/A- numbers that are never reused.
    int take_incident_number(const std::string& workspace);
    int take_action_number(const std::string& workspace);

    std::vector<std::string> workspaces();       // every workspace that has had an incident
    std::int64_t insert(domain::incident& inc);  // fills inc.id
    void update(const domain::incident& inc);
    std::optional<domain::incident> find(const std::string& workspace, int number);
    std::optional<domain::incident> find_by_id(std::int64_t id);
    // The newest incident in the channel, whatever its status: what commands in that channel act on.
    std::optional<domain::incident> current_in_channel(const std::string& workspace,
                                                       const std::string& channel);
    // Moves the incidents held in channel `from` (a placeholder) and their timeline to channel `to`.
    void move_channel(const std::string& workspace, const std::string& from, const std::string& to);
    std::vector<domain::incident> list(const std::string& workspace, incident_filter filter,
                                       std::size_t limit);

    // Services and tags (SPEC §11). add_label is false when the incident had it already, remove_label when
    // it did not.
    bool add_label(std::int64_t incident_id, label_kind kind, const std::string& name, domain::timestamp at,
                   const std::string& by);
    bool remove_label(std::int64_t incident_id, label_kind kind, const std::string& name);
    std::vector<domain::incident> list_labelled(const std::string& workspace, label_kind kind,
                                                const std::string& name, incident_filter filter,
                                                std::size_t limit);

    // Related incidents (SPEC §11). Incidents of the workspace whose indexed text matches an FTS5 query,
    // best first, with bm25's closeness (higher is closer).
    struct text_match {
        std::int64_t incident_id = 0;
        double closeness = 0;
    };
    std::vector<text_match> similar_text(const std::string& workspace, const std::string& fts_query,
                                         std::int64_t except_id, std::size_t limit);
    // The words, rarest first, without those in more than `most_share` of all indexed incidents (a word the
    // index does not hold as written — its stem differs — counts as rare). Never fewer than `keep` words;
    // all of them while fewer than 2 000 incidents are indexed.
    std::vector<std::string> distinctive_words(const std::vector<std::string>& words, double most_share,
                                               std::size_t keep);
    // Incidents whose shared services and tags, weighted so, add up to at least `at_least`: the closest
    // first, then the newest.
    std::vector<std::int64_t> sharing_labels(const std::string& workspace, std::int64_t incident_id,
                                             double service_weight, double tag_weight, double at_least,
                                             std::size_t limit);
    // The incident's indexed words (title, then summary, impact, detection and review answers).
    std::string indexed_text(std::int64_t incident_id);

    void upsert_user(const std::string& workspace, const user_profile& user);
    std::vector<user_profile> users(const std::string& workspace);  // everyone known, for planning in bulk
    std::optional<user_profile> find_user(const std::string& workspace, const std::string& id);
    std::optional<user_profile> find_user_by_name(const std::string& workspace, const std::string& name);
    // Display name, or the id itself when the person is unknown (the console's ids are names).
    void set_workspace_platform(const std::string& workspace, const std::string& platform);
    std::string workspace_platform(const std::string& workspace);  // "" when never said
    // Incidents not yet reviewed whose review has a time-boxed session (running or ended).
    std::vector<domain::incident> with_timebox(const std::string& workspace);
    std::string display_name(const std::string& workspace, const std::string& id);

private:
    database& db_;
};

}  // namespace hindsight::storage
