// `import [from <time>]`: the channel's history read back through the platform, so what was said before the
// bot was there (or while it was down) reaches the message store and, where marked, the timeline. The
// reading itself is the shell's (bot/app/importer); here are the request, the handling of what it read and
// its report.
#include "commands/handlers.hpp"
#include "commands/marking.hpp"
#include "commands/time_expr.hpp"
#include "commands/zones.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {
namespace {

// Far enough back for any incident's prelude; further than that is almost always a typo, and a paced read of
// months of a busy channel would take hours.
constexpr auto longest_import = std::chrono::hours{24 * 30};

std::optional<domain::incident> importing_incident(context& ctx, std::int64_t import_id) {
    auto job = ctx.store.imports.find(import_id);
    if (!job) return std::nullopt;
    auto inc = ctx.store.incidents.current_in_channel(ctx.workspace, job->channel);
    if (!inc || inc->id != job->incident_id || inc->status == domain::incident_status::reviewed)
        return std::nullopt;
    return inc;
}

// "… at the pace Slack allows" where there is a platform limit to speak of.
std::string pace_clause(const std::string& platform) {
    if (platform == "slack") return ", at the pace Slack allows";
    if (platform == "mattermost") return ", at the pace Mattermost allows";
    return {};
}

}  // namespace

result<void> import_history(context& ctx, arguments& args) {
    auto inc = ctx.store.incidents.current_in_channel(ctx.workspace, ctx.channel.id);
    if (!inc || inc->status == domain::incident_status::reviewed)
        return make_error(
            errc::not_found,
            "There is no incident in this channel to import into: `import` reads the history of "
            "the incident's own channel, so run it there.");
    auto since = inc->started_at;
    if (auto word = args.peek(); word && domain::ascii_lower(*word) == "from") {
        args.next();
        auto typed = parse_typed_time(args.rest(), ctx.now, ctx.user_zone(ctx.user));
        if (!typed) return typed.failure();
        for (std::size_t i = 0; i < typed->words; ++i) args.next();
        since = typed->at;
    }
    if (!args.empty())
        return make_error(errc::bad_input,
                          "`import` takes only `from <time>` (09:40, -2h, 2026-03-02 09:40).");
    if (ctx.now - since > longest_import)
        return make_error(errc::bad_input, "`import` reads at most 30 days back: give a later time.");
    if (auto running = ctx.store.imports.active(ctx.workspace, ctx.channel.id))
        return make_error(errc::conflict, "This channel's history is being read already (asked by " +
                                              ctx.who(running->requested_by) +
                                              "); the bot says here when it is done.");
    storage::history_import job;
    job.workspace = ctx.workspace;
    job.channel = ctx.channel.id;
    job.incident_id = inc->id;
    job.since = since;
    job.requested_by = ctx.user;
    job.requested_at = ctx.now;
    job.reply_thread = ctx.thread_root;
    job.next_at = ctx.now;
    ctx.store.imports.create(job);
    ctx.announce("📥 Reading this channel's history since " + local_minute(since, ctx.user_zone(ctx.user)) +
                 ", thread replies included" + pace_clause(ctx.platform) + ". Marked messages go on the " +
                 inc->label() + " timeline; the bot says here when it is done.");
    return {};
}

void on_imported_message(context& ctx, const chat::message_posted& m, const std::string& bot_user) {
    bool ours = !bot_user.empty() && m.user == bot_user;
    storage::cached_message cached{
        ctx.workspace, m.channel.id, m.message_id, m.thread_root, m.user, domain::sanitize_utf8(m.text),
        m.at,          m.permalink,  false,        ours};
    bool fresh = ctx.store.timeline.remember(cached);
    ctx.store.imports.count_message(m.import_id, fresh);
    if (m.from_bot || ours) return;
    auto inc = importing_incident(ctx, m.import_id);
    if (!inc) return;
    // Once: a message the bot stored before (seen live, or read by an earlier import) was handled then,
    // except that a prefixed one seen before the incident was declared is captured now, from its stored
    // text (the entry check below keeps it to one entry).
    if (fresh) ctx.store.timeline.add_speaker(inc->id, m.user);
    if (!fresh) {
        auto stored = ctx.store.timeline.find_message(ctx.workspace, m.channel.id, m.message_id);
        if (!stored || stored->deleted) return;
        cached = *stored;
    }
    auto captured = strip_capture_prefix(ctx.cfg, cached.text);
    if (!captured || ctx.store.timeline.find_by_message(inc->id, m.channel.id, m.message_id)) return;
    domain::timeline_entry entry;
    entry.incident_id = inc->id;
    entry.kind = domain::entry_kind::message;
    entry.occurred_at = m.at;
    entry.captured_at = ctx.now;
    entry.author = m.user;
    entry.text = *captured;
    entry.marked_by = m.user;
    entry.source = {ctx.platform, m.channel.id, m.message_id, m.thread_root, m.permalink};
    ctx.store.timeline.add(entry, true);
    ctx.store.imports.count_entry(m.import_id, entry.number);
    ctx.react(m.channel.id, m.message_id, ctx.cfg.capture.confirm_emoji);
}

void on_imported_reaction(context& ctx, const chat::reaction_changed& r, const std::string& bot_user) {
    auto inc = importing_incident(ctx, r.import_id);
    if (!inc || !r.added) return;
    bool had_entry = ctx.store.timeline.find_by_message(inc->id, r.channel.id, r.message_id).has_value();
    // The message came in the same read, just before its reactions: nothing is ever missing here.
    on_reaction(ctx, r, bot_user);
    if (had_entry) return;
    if (auto added = ctx.store.timeline.find_by_message(inc->id, r.channel.id, r.message_id))
        ctx.store.imports.count_entry(r.import_id, added->number);
}

void on_history_read(context& ctx, const chat::history_read& done) {
    auto job = ctx.store.imports.find(done.import_id);
    if (!job || job->state == storage::import_state::done) return;  // a replay: reported already
    ctx.store.imports.done(job->id);
    auto inc = ctx.store.incidents.find_by_id(job->incident_id);
    auto messages = job->stored + job->known;
    std::string text = "📥 Read " + std::to_string(messages) + (messages == 1 ? " message" : " messages") +
                       " of this channel since " +
                       local_minute(job->since, ctx.user_zone(job->requested_by)) + " (asked by " +
                       ctx.who(job->requested_by) + "): " + std::to_string(job->stored) +
                       " new to the bot, " + std::to_string(job->known) + " it had already.";
    auto added = split_words(job->entries);
    if (added.empty())
        text += " None of the new ones carried a mark.";
    else
        text += " " + std::to_string(added.size()) +
                (added.size() == 1 ? " marked one is" : " marked ones are") + " on the " +
                (inc ? inc->label() : std::string("incident's")) + " timeline now (" + job->entries + ").";
    if (!done.problem.empty())
        text += "\n⚠️ The reading stopped early: " + done.problem +
                ". What was read is kept; `import` again to try the rest.";
    if (inc && messages > 0)
        text += "\nThe rest is the transcript: `postmortem " + inc->label() +
                " --transcript` (or `hindsight export " + inc->label() + " --transcript`) appends it.";
    ctx.thread_root = job->reply_thread;
    ctx.announce(std::move(text));
}

}  // namespace hindsight::commands
