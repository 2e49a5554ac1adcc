// Action items as issues in the team's tracker (SPEC §10), on the chat side: which new action gets an issue,
// what a change the tracker reports does to its action, `track A-n <url>`, and the pull requests and
// deployments that name an incident. The HTTP side (creating and updating issues, webhooks, reading back)
// lives in bot/trackers; everything here runs inside the handling transaction.
#include <algorithm>

#include "commands/handlers.hpp"
#include "domain/text.hpp"
#include "domain/tracker_text.hpp"

namespace hindsight::commands {

using domain::action_item;
using domain::action_status;

namespace {

constexpr const char* github = "github";
constexpr const char* jira = "jira";

bool route_takes(const config::tracker_route& route, const domain::incident& inc, const action_item& a) {
    if (inc.private_channel && !route.allow_private) return false;
    auto type = std::string(domain::to_string(a.type));
    if (!route.types.empty() && std::find(route.types.begin(), route.types.end(), type) == route.types.end())
        return false;
    if (route.services.empty()) return true;
    return std::any_of(route.services.begin(), route.services.end(), [&](const std::string& service) {
        return std::find(inc.services.begin(), inc.services.end(), service) != inc.services.end();
    });
}

std::string tracker_name(const std::string& tracker) {
    return tracker == github ? "GitHub" : tracker == jira ? "Jira" : tracker;
}

bool tracker_connected(const config::settings& cfg, const std::string& tracker) {
    if (tracker == github) return !cfg.trackers.github.repo.empty();
    if (tracker == jira) return !cfg.trackers.jira.url.empty();
    return false;
}

const std::string& login_in(const config::tracker_user& user, const std::string& tracker) {
    return tracker == github ? user.github : user.jira;
}

std::string by_whom(const chat::tracker_issue_changed& ev) {
    return ev.actor.empty() ? std::string() : " by " + quote(ev.actor);
}

// The action follows its issue's state; the line that says so in the incident channel, or "" for none.
std::string follow_state(context& ctx, action_item& a, const chat::tracker_issue_changed& ev,
                         const std::string& reference) {
    auto to = domain::parse_action_status(ev.state);
    if (!to || *to == a.status) return {};
    a.status = *to;
    std::string where = tracker_name(ev.tracker) + by_whom(ev);
    if (*to == action_status::open) {
        a.resolution.clear();
        a.closed_at.reset();
        ctx.store.actions.update(a);
        ctx.store.actions.record_change(a.id,
                                        {ctx.now, ev.tracker + ":" + ev.actor, "reopened on " + reference});
        return "↩️ " + a.label() + " reopened: its issue " + reference + " was reopened on " + where +
               ".";
    }
    a.resolution = ev.reason.empty() ? "closed on " + reference : domain::truncate_utf8(ev.reason, 500);
    a.closed_at = ctx.now;
    ctx.store.actions.update(a);
    ctx.store.actions.record_change(a.id, {ctx.now, ev.tracker + ":" + ev.actor,
                                           std::string(domain::to_string(*to)) + ": " + a.resolution});
    if (*to == action_status::done)
        return "✅ " + a.label() + " done: its issue " + reference + " was closed on " + where + ".";
    return "🚫 " + a.label() + " won't be done: its issue " + reference + " was closed as " +
           quote(a.resolution) + " on " + where + ".";
}

// The action's owner follows the issue's assignee when [trackers.users] says who that is in chat.
std::string follow_assignee(context& ctx, action_item& a, const chat::tracker_issue_changed& ev,
                            const std::string& reference) {
    if (ev.assignee.empty()) return {};  // unassigned there: the action keeps its owner (it always has one)
    auto owner = chat_user_for(ctx.cfg, ev.tracker, ev.assignee);
    if (owner.empty())
        return "👤 " + reference + " (" + a.label() + ") was assigned to " + quote(ev.assignee) + " on " +
               tracker_name(ev.tracker) + ", who has no chat user in `[trackers.users]`: " + a.label() +
               " stays with " + ctx.who(a.owner) + ".";
    if (owner == a.owner) return {};
    auto before = a.owner;
    a.owner = owner;
    ctx.store.actions.update(a);
    ctx.store.actions.record_change(
        a.id, {ctx.now, ev.tracker + ":" + ev.actor, "owner " + ctx.who(before) + " -> " + ctx.who(owner)});
    return "👤 " + a.label() + " now belongs to " + ctx.who(owner) + ": its issue " + reference +
           " was assigned on " + tracker_name(ev.tracker) + by_whom(ev) + ".";
}

}  // namespace

std::string chat_user_for(const config::settings& cfg, const std::string& tracker, const std::string& login) {
    if ((tracker != github && tracker != jira) || login.empty()) return {};
    for (const auto& user : cfg.trackers.users) {
        const auto& theirs = login_in(user, tracker);
        // GitHub logins are case-insensitive; Jira accountIds and user names are compared as they are.
        if (tracker == github ? domain::ascii_lower(theirs) == domain::ascii_lower(login) : theirs == login)
            return user.chat_user;
    }
    return {};
}

std::string tracker_login_for(const config::settings& cfg, const std::string& tracker,
                              const std::string& chat_user) {
    if (tracker != github && tracker != jira) return {};
    for (const auto& user : cfg.trackers.users)
        if (user.chat_user == chat_user) return login_in(user, tracker);
    return {};
}

void queue_tracker_issue(context& ctx, const domain::incident& inc, const action_item& a) {
    for (const auto& route : ctx.cfg.trackers.routes) {
        if (!route_takes(route, inc, a)) continue;
        if (!tracker_connected(ctx.cfg, route.tracker)) return;
        ctx.store.trackers.queue_create(a.id, a.workspace, route.tracker,
                                        domain::tracker_marker(a.workspace, a.number), ctx.now);
        return;
    }
}

void on_tracker_issue(context& ctx, const chat::tracker_issue_changed& ev) {
    auto link = ctx.store.trackers.find_by_issue(ev.tracker, ev.issue);
    if (!link || link->workspace != ctx.workspace) return;  // not an issue hindsight follows
    auto action = ctx.store.actions.find_by_id(link->action_id);
    auto inc = action ? ctx.store.incidents.find_by_id(action->incident_id) : std::nullopt;
    if (!action || !inc) return;
    auto reference = domain::issue_reference(link->url.empty() ? ev.url : link->url);
    if (ev.state == "deleted") {
        ctx.store.trackers.gone(link->action_id);
        ctx.post_in(inc->channel, "🗑️ The issue of " + action->label() + " (" + reference +
                                      ") was deleted on " + tracker_name(ev.tracker) + by_whom(ev) + "; " +
                                      action->label() + " stays here, without an issue.");
        return;
    }
    // What the issue says now against what hindsight last knew it to say: a change hindsight made itself
    // comes back as no change.
    auto status = ev.state.empty() ? link->remote_status : ev.state;
    auto assignee = ev.assignee_known ? ev.assignee : link->remote_assignee;
    ctx.store.trackers.remote_changed(link->action_id, status, assignee);
    std::vector<std::string> lines;
    if (status != link->remote_status) lines.push_back(follow_state(ctx, *action, ev, reference));
    if (ev.assignee_known && domain::ascii_lower(assignee) != domain::ascii_lower(link->remote_assignee))
        lines.push_back(follow_assignee(ctx, *action, ev, reference));
    for (const auto& line : lines) {
        if (line.empty()) continue;
        ctx.post_in(inc->channel, line);
        record_event(ctx, *inc, line);
    }
}

void on_tracker_mention(context& ctx, const chat::tracker_mention& ev) {
    auto names = domain::find_mentions(ev.text);
    std::vector<std::int64_t> incidents;
    for (int number : names.incidents)
        if (auto inc = ctx.store.incidents.find(ctx.workspace, number)) incidents.push_back(inc->id);
    for (int number : names.actions)
        if (auto action = ctx.store.actions.find(ctx.workspace, number))
            incidents.push_back(action->incident_id);
    std::sort(incidents.begin(), incidents.end());
    incidents.erase(std::unique(incidents.begin(), incidents.end()), incidents.end());
    for (auto id : incidents) {
        auto inc = ctx.store.incidents.find_by_id(id);
        if (!inc) continue;
        domain::timeline_entry entry;
        entry.incident_id = inc->id;
        entry.kind = domain::entry_kind::event;
        entry.occurred_at = std::min(ev.at, ctx.now);
        entry.captured_at = ctx.now;
        entry.text = domain::truncate_utf8(ev.what, 500) + (ev.actor.empty() ? "" : " (" + ev.actor + ")");
        entry.source.platform = ev.tracker;
        entry.source.channel = inc->channel;
        entry.source.message_id =
            ev.tracker + ":" + ev.url;  // one entry per pull request or deployment state
        entry.source.permalink = ev.url;
        ctx.store.timeline.add(entry, false);
    }
}

namespace {

struct issue_to_track {
    std::string tracker;
    std::string issue;
};

// Which connected tracker the URL is an issue of, or what is wrong with it.
result<issue_to_track> issue_of_url(const config::settings& cfg, const std::string& url) {
    const auto& repo = cfg.trackers.github.repo;
    const auto& jira_url = cfg.trackers.jira.url;
    if (repo.empty() && jira_url.empty())
        return make_error(
            errc::conflict,
            "No tracker is connected: set `[trackers.github] repo` or `[trackers.jira] url` first.");
    if (auto address = domain::parse_issue_url(url); address && !repo.empty()) {
        if (domain::ascii_lower(address->repo) != domain::ascii_lower(repo))
            return make_error(errc::bad_input, "That issue is in " + quote(address->repo) +
                                                   "; hindsight follows " + repo + " only.");
        return issue_to_track{github, address->number};
    }
    if (auto key = domain::parse_jira_url(url); key && !jira_url.empty()) {
        auto project = key->substr(0, key->rfind('-'));
        if (!url.starts_with(jira_url) || project != cfg.trackers.jira.project)
            return make_error(errc::bad_input, "That issue is not in the Jira project hindsight follows (" +
                                                   cfg.trackers.jira.project + " on " + jira_url + ").");
        return issue_to_track{jira, *key};
    }
    std::string like;
    if (!repo.empty()) like = "https://github.com/" + repo + "/issues/12";
    if (!jira_url.empty())
        like += (like.empty() ? "" : " or ") + jira_url + "browse/" + cfg.trackers.jira.project + "-12";
    return make_error(errc::bad_input,
                      "'" + quote(url) + "' is not an issue URL hindsight follows (like " + like + ").");
}

}  // namespace

result<void> track_action(context& ctx, arguments& args) {
    auto word = args.next();
    auto number = word ? parse_action_ref(*word) : std::nullopt;
    if (!number)
        return make_error(errc::bad_input, "Say which action and which issue: `track A-3 <issue URL>`.");
    auto url = std::string(domain::trim(args.rest()));
    if (url.starts_with('<') && url.ends_with('>')) url = url.substr(1, url.size() - 2);  // Slack's <url>
    url = url.substr(0, url.find('|'));
    if (url.empty()) return make_error(errc::bad_input, "Say which issue: `track A-3 <issue URL>`.");
    auto action = ctx.store.actions.find(ctx.workspace, *number);
    if (!action) return make_error(errc::not_found, "There is no A-" + std::to_string(*number) + " here.");
    auto inc = ctx.store.incidents.find_by_id(action->incident_id);
    if (inc && inc->private_channel && inc->channel != ctx.channel.id)
        return make_error(errc::forbidden,
                          action->label() + " belongs to a private incident: link it there.");
    auto target = issue_of_url(ctx.cfg, url);
    if (!target) return target.failure();
    if (auto other = ctx.store.trackers.find_by_issue(target->tracker, target->issue);
        other && other->action_id != action->id)
        return make_error(errc::conflict, "That issue already belongs to another action.");
    ctx.store.trackers.link_existing(action->id, ctx.workspace, target->tracker,
                                     domain::tracker_marker(ctx.workspace, action->number), target->issue,
                                     url);
    ctx.store.actions.record_change(action->id,
                                    {ctx.now, ctx.user, "tracked in " + domain::issue_reference(url)});
    ctx.announce("🔗 " + action->label() + " is tracked in " + domain::issue_reference(url) + " (" + url +
                 "): closing or reopening the issue closes or reopens " + action->label() + ".");
    return {};
}

}  // namespace hindsight::commands
