#include "commands/marking.hpp"

#include <algorithm>

#include "commands/handlers.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {
namespace {

bool is_capture_emoji(const config::settings& cfg, const std::string& emoji) {
    // Skin-tone variants arrive as "pushpin::skin-tone-2" on Slack.
    auto base = emoji.substr(0, emoji.find("::"));
    return std::find(cfg.capture.emojis.begin(), cfg.capture.emojis.end(), base) != cfg.capture.emojis.end();
}

// Marking only counts in a channel whose incident is still being worked or reviewed: once the review is
// complete the channel goes back to being an ordinary channel.
std::optional<domain::incident> capturing_incident(context& ctx) {
    auto inc = ctx.store.incidents.current_in_channel(ctx.workspace, ctx.channel.id);
    if (!inc || inc->status == domain::incident_status::reviewed) return std::nullopt;
    return inc;
}

domain::timeline_entry entry_from(const context& ctx, const domain::incident& inc,
                                  const storage::cached_message& m, const std::string& text,
                                  const std::string& marked_by) {
    domain::timeline_entry e;
    e.incident_id = inc.id;
    e.kind = domain::entry_kind::message;
    e.occurred_at = m.posted_at;
    e.captured_at = ctx.now;
    e.author = m.author;
    e.text = text;
    e.marked_by = marked_by;
    e.source = {ctx.platform, m.channel, m.message_id, m.thread_root, m.permalink};
    return e;
}

}  // namespace

std::optional<std::string> strip_capture_prefix(const config::settings& cfg, std::string_view text) {
    auto trimmed = domain::trim(text);
    for (const auto& prefix : cfg.capture.prefixes) {
        if (prefix.empty() || !domain::starts_with_ci(trimmed, prefix)) continue;
        auto rest = trimmed.substr(prefix.size());
        // "!tlfoo" is not a prefix use; "tl:foo" is (the colon already separates).
        if (!rest.empty() && prefix.back() != ':' && rest.front() != ' ' && rest.front() != '\t') continue;
        auto captured = domain::trim(rest);
        if (captured.empty()) return std::nullopt;
        return std::string(captured);
    }
    return std::nullopt;
}

void on_message_posted(context& ctx, const chat::message_posted& m, const std::string& bot_user) {
    if (m.import_id != 0) return on_imported_message(ctx, m, bot_user);
    storage::cached_message cached{ctx.workspace, m.channel.id,
                                   m.message_id,  m.thread_root,
                                   m.user,        domain::sanitize_utf8(m.text),
                                   m.at,          m.permalink,
                                   false,         !bot_user.empty() && m.user == bot_user};
    ctx.store.timeline.remember(cached);
    if (m.from_bot || (!bot_user.empty() && m.user == bot_user)) return;
    if (on_review_reply(ctx, m)) return;
    if (!ctx.store.timeline.speaker_seen(ctx.workspace, m.channel.id, m.user)) {
        if (auto speaking_in = capturing_incident(ctx))
            ctx.store.timeline.add_speaker(speaking_in->id, m.user);
        ctx.store.timeline.note_speaker_seen(ctx.workspace, m.channel.id, m.user);
    }
    auto captured = strip_capture_prefix(ctx.cfg, cached.text);
    if (!captured) return;
    auto inc = capturing_incident(ctx);
    if (!inc) return;  // outside an incident channel a prefix is just text: ignored quietly
    if (ctx.store.timeline.find_by_message(inc->id, m.channel.id, m.message_id)) return;  // a replay
    auto entry = entry_from(ctx, *inc, cached, *captured, m.user);
    ctx.store.timeline.add(entry, true);
    ctx.react(m.channel.id, m.message_id, ctx.cfg.capture.confirm_emoji);
    nudge_if_blaming(ctx, *captured);
}

void on_message_edited(context& ctx, const chat::message_edited& m) {
    on_review_reply_edited(ctx, m);
    auto text = domain::sanitize_utf8(m.text);
    auto previous = ctx.store.timeline.find_message(ctx.workspace, m.channel.id, m.message_id);
    ctx.store.timeline.update_message_text(ctx.workspace, m.channel.id, m.message_id, text);
    auto entries = ctx.store.timeline.find_all_by_message(ctx.workspace, m.channel.id, m.message_id);
    for (auto& e : entries) {
        std::string new_text = text;
        if (ctx.store.timeline.captured_by_prefix(e.id)) {
            // Keep the entry even if the edit removed the prefix: un-marking is done with reactions, not
            // edits.
            if (auto stripped = strip_capture_prefix(ctx.cfg, text)) new_text = *stripped;
        }
        if (new_text == e.text) continue;  // a replayed edit
        ctx.store.timeline.revise(e.id, e.text, new_text, m.at);
    }
    if (!entries.empty() || !previous) return;
    // An edit that adds the prefix marks the message then.
    if (auto captured = strip_capture_prefix(ctx.cfg, text)) {
        if (strip_capture_prefix(ctx.cfg, previous->text)) return;
        auto inc = capturing_incident(ctx);
        if (!inc) return;
        previous->text = text;
        auto entry = entry_from(ctx, *inc, *previous, *captured, previous->author);
        ctx.store.timeline.add(entry, true);
        ctx.react(m.channel.id, m.message_id, ctx.cfg.capture.confirm_emoji);
    }
}

void on_message_deleted(context& ctx, const chat::message_deleted& m) {
    on_review_reply_deleted(ctx, m);  // first: it reads the reply's text before the deletion is stored
    ctx.store.timeline.mark_message_deleted(ctx.workspace, m.channel.id, m.message_id);
    for (auto& e : ctx.store.timeline.find_all_by_message(ctx.workspace, m.channel.id, m.message_id))
        if (e.state != domain::entry_state::deleted)
            ctx.store.timeline.set_state(e.id, domain::entry_state::deleted);
}

std::optional<missing_message> on_reaction(context& ctx, const chat::reaction_changed& r,
                                           const std::string& bot_user) {
    if (!is_capture_emoji(ctx.cfg, r.emoji)) return std::nullopt;
    if (!bot_user.empty() && r.user == bot_user) return std::nullopt;
    auto inc = capturing_incident(ctx);
    if (!inc) return std::nullopt;
    auto existing = ctx.store.timeline.find_by_message(inc->id, r.channel.id, r.message_id);
    auto emoji = r.emoji.substr(0, r.emoji.find("::"));

    if (!r.added) {
        if (!existing) return std::nullopt;
        ctx.store.timeline.remove_mark(existing->id, r.user, emoji);
        bool still_marked = ctx.store.timeline.count_marks(existing->id) > 0 ||
                            ctx.store.timeline.captured_by_prefix(existing->id);
        if (!still_marked && existing->state == domain::entry_state::live) {
            ctx.store.timeline.set_state(existing->id, domain::entry_state::unmarked);
            // The ✅ said "on the timeline"; it is not any more.
            ctx.unreact(r.channel.id, r.message_id, ctx.cfg.capture.confirm_emoji);
        }
        return std::nullopt;
    }

    if (existing) {
        ctx.store.timeline.add_mark(existing->id, r.user, emoji);
        if (existing->state == domain::entry_state::unmarked) {
            ctx.store.timeline.set_state(existing->id, domain::entry_state::live);
            ctx.react(r.channel.id, r.message_id, ctx.cfg.capture.confirm_emoji);
        }
        return std::nullopt;
    }
    auto message = ctx.store.timeline.find_message(ctx.workspace, r.channel.id, r.message_id);
    if (!message) return missing_message{r.channel.id, r.message_id};
    if (!bot_user.empty() && message->author == bot_user) return std::nullopt;  // never capture our own posts
    auto entry = entry_from(ctx, *inc, *message, message->text, r.user);
    if (message->deleted) entry.state = domain::entry_state::deleted;
    ctx.store.timeline.add(entry, false);
    ctx.store.timeline.add_mark(entry.id, r.user, emoji);
    ctx.react(r.channel.id, r.message_id, ctx.cfg.capture.confirm_emoji);
    return std::nullopt;
}

}  // namespace hindsight::commands
