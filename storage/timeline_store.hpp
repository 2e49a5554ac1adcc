#pragma once
// Timeline entries with their marks and revisions, and the cache of messages seen in channels, which is what
// lets a 📌 on a message seen live be captured without asking the platform again.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "storage/database.hpp"

namespace SQLite {
class Statement;
}

namespace hindsight::storage {

struct cached_message {
    std::string workspace;
    std::string channel;
    std::string message_id;
    std::string thread_root;
    std::string author;
    std::string text;
    domain::timestamp posted_at{};
    std::string permalink;
    bool deleted = false;
    bool by_hindsight = false;  // the bot's own post: a transcript leaves it out
};

class timeline_store {
public:
    explicit timeline_store(database& db);
    ~timeline_store();

    std::int64_t add(domain::timeline_entry& entry, bool by_prefix);  // fills entry.id and entry.number
    std::optional<domain::timeline_entry> find_by_number(std::int64_t incident_id, int number);
    // Whether the entry is left out of exports, and what it tells in the story.
    void set_presentation(std::int64_t entry_id, bool hidden, domain::entry_tag tag);
    std::optional<domain::timeline_entry> find_by_message(std::int64_t incident_id,
                                                          const std::string& channel,
                                                          const std::string& message_id);
    // Entries of every incident that captured this message (normally one).
    std::vector<domain::timeline_entry> find_all_by_message(const std::string& workspace,
                                                            const std::string& channel,
                                                            const std::string& message_id);
    bool captured_by_prefix(std::int64_t entry_id);
    void set_state(std::int64_t entry_id, domain::entry_state state);
    // Keeps the old text as a revision, then stores the new one.
    void revise(std::int64_t entry_id, const std::string& old_text, const std::string& new_text,
                domain::timestamp at);
    std::vector<domain::timeline_entry> list(std::int64_t incident_id);  // with revisions, in time order
    std::int64_t count_live(std::int64_t incident_id);

    bool add_mark(std::int64_t entry_id, const std::string& user,
                  const std::string& emoji);  // false: already there
    void remove_mark(std::int64_t entry_id, const std::string& user, const std::string& emoji);
    std::int64_t count_marks(std::int64_t entry_id);

    // Insert or ignore: the first sighting wins. True when the message was new.
    bool remember(const cached_message& message);
    // The channel's stored messages posted in [from, to], oldest first, without deleted ones and the bot's
    // own: the transcript an export appends. At most limit.
    std::vector<cached_message> transcript(const std::string& workspace, const std::string& channel,
                                           domain::timestamp from, domain::timestamp to, std::size_t limit);
    // When the newest message seen in a channel was posted (where a catch-up after lost events starts).
    std::optional<domain::timestamp> newest_message_at(const std::string& workspace,
                                                       const std::string& channel);
    // Who spoke in an incident's channel or review (for the postmortem's participants).
    void add_speaker(std::int64_t incident_id, const std::string& user_id);
    // Whether (workspace, channel, user) was already seen by note_speaker_seen since the last forget_speakers
    // (called when an incident starts, and when a batch is rolled back).
    bool speaker_seen(const std::string& workspace, const std::string& channel,
                      const std::string& user_id) const;
    void note_speaker_seen(const std::string& workspace, const std::string& channel,
                           const std::string& user_id);
    void forget_speakers();
    std::vector<std::string> speakers(std::int64_t incident_id);

    std::optional<cached_message> find_message(const std::string& workspace, const std::string& channel,
                                               const std::string& message_id);
    void update_message_text(const std::string& workspace, const std::string& channel,
                             const std::string& message_id, const std::string& text);
    void mark_message_deleted(const std::string& workspace, const std::string& channel,
                              const std::string& message_id);

private:
    database& db_;
    std::unique_ptr<SQLite::Statement> remember_statement_;  // the hot path of a busy channel
    std::unique_ptr<SQLite::Statement> add_statement_;       // prepared on the first add
    // People already recorded as speaking in a channel's current incident: a busy channel has thousands of
    // messages from a few dozen people, and looking up the incident is the costly part. Forgotten when an
    // incident starts. (A rolled-back insert can only lose a participant's name.)
    std::set<std::string> known_speakers_;
};

}  // namespace hindsight::storage
