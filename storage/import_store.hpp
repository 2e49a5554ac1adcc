#pragma once
// `import` jobs: which channel's history is being read back for which incident, from when, where the reading
// got to (the platform's opaque cursor) and what it found. Each step is one request to the platform, so a
// restart carries on from the last step recorded.
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace hindsight::storage {

enum class import_state { reading, finishing, done };

struct history_import {
    std::int64_t id = 0;
    std::string workspace;
    std::string channel;
    std::int64_t incident_id = 0;
    domain::timestamp since{};
    std::string requested_by;
    domain::timestamp requested_at{};
    std::string reply_thread;  // where `import` was typed, so the report goes there too
    std::string cursor;
    import_state state = import_state::reading;
    domain::timestamp next_at{};
    int requests = 0;
    int rate_limited = 0;
    int failures = 0;
    std::int64_t events = 0;  // events read from the platform
    std::int64_t stored = 0;  // messages new to the store
    std::int64_t known = 0;   // messages the store had already
    std::string entries;      // "E3 E7": the entries its marks added
    std::string problem;
};

class import_store {
public:
    explicit import_store(database& db) : db_(db) {}

    std::int64_t create(const history_import& job);  // returns the id
    std::optional<history_import> find(std::int64_t id);
    // The import of this channel still reading, if any (one at a time per channel; one whose report is
    // waiting in the inbox does not count, so a report that could not be handled never blocks the channel).
    std::optional<history_import> active(const std::string& workspace, const std::string& channel);
    // The reading job due first (next_at ≤ now), oldest first.
    std::optional<history_import> next_due(domain::timestamp now);
    // Not before then, and no request or failure counted (its platform is not up).
    void wait_until(std::int64_t id, domain::timestamp next_at);

    // A page was read (and recorded): the cursor moves on, failures start again from zero.
    void advanced(std::int64_t id, const std::string& cursor, std::int64_t events, domain::timestamp next_at);
    // The request failed or was rate limited: try the same cursor again at next_at.
    void postponed(std::int64_t id, domain::timestamp next_at, bool rate_limited, const std::string& why);
    // Reading stopped (the window is read, or a problem): its report is in the inbox behind its messages.
    void finishing(std::int64_t id, const std::string& problem);
    void done(std::int64_t id);

    // The earliest window start of the incident's imports: its transcript starts there when that is before
    // the incident did.
    std::optional<domain::timestamp> earliest_since(std::int64_t incident_id);

    // What handling the imported events found, counted as they are handled.
    void count_message(std::int64_t id, bool was_new);
    void count_entry(std::int64_t id, int entry_number);

private:
    database& db_;
};

}  // namespace hindsight::storage
