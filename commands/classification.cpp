// An incident's services and tags (SPEC §11): `service`, `unservice`, `tag`, `untag`, several names at once.
// They classify the incident for related incidents, insights and tracker routes, show in its status, its
// declaration and its postmortem, and filter `list` and `actions`.
#include <algorithm>
#include <cctype>

#include "commands/handlers.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

using storage::label_kind;

namespace {

constexpr std::size_t most_services = 10;
constexpr std::size_t most_tags = 20;

struct label_words {
    label_kind kind;
    const char* singular;  // "service"
    const char* plural;    // "services"
    std::size_t most;
};

constexpr label_words services_words{label_kind::service, "service", "services", most_services};
constexpr label_words tags_words{label_kind::tag, "tag", "tags", most_tags};

// Every name of the command, checked before anything is written: one bad name changes nothing.
result<std::vector<std::string>> names_of(arguments& args, const label_words& words) {
    std::vector<std::string> names;
    while (auto word = args.next()) {
        auto name = domain::label_name(*word);
        if (!name)
            return make_error(errc::bad_input,
                              "'" + quote(*word) + "' is not a " + words.singular +
                                  " name: letters, digits, '.', '_', '-' or '/', at most 40 characters.");
        if (std::find(names.begin(), names.end(), *name) == names.end()) names.push_back(*name);
    }
    if (names.empty())
        return make_error(errc::bad_input, std::string("Say which ") + words.singular + ": `" +
                                               words.singular + " checkout`.");
    return names;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

result<void> change_labels(context& ctx, arguments& args, const label_words& words, bool adding) {
    auto target = target_incident(ctx, args);
    if (!target) return target.failure();
    auto names = names_of(args, words);
    if (!names) return names.failure();
    const auto& current = words.kind == label_kind::service ? target->services : target->tags;
    std::size_t added = 0;
    for (const auto& name : *names)
        if (std::find(current.begin(), current.end(), name) == current.end()) ++added;
    if (adding && current.size() + added > words.most)
        return make_error(errc::bad_input, target->label() + " may have at most " +
                                               std::to_string(words.most) + " " + words.plural + ".");
    std::vector<std::string> changed;
    for (const auto& name : *names) {
        bool did = adding ? ctx.store.incidents.add_label(target->id, words.kind, name, ctx.now, ctx.user)
                          : ctx.store.incidents.remove_label(target->id, words.kind, name);
        if (did) changed.push_back(name);
    }
    if (changed.empty())
        return make_error(errc::conflict, target->label() + (adding ? " already has " : " does not have ") +
                                              joined(*names) + ".");
    auto inc = ctx.store.incidents.find_by_id(target->id).value_or(*target);
    refresh_header(ctx, inc);
    const auto& now = words.kind == label_kind::service ? inc.services : inc.tags;
    auto what = std::string(changed.size() == 1 ? words.singular : words.plural) + " " + joined(changed);
    auto event = what + (adding ? " added by " : " taken off by ") + ctx.who(ctx.user);
    event[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(event[0])));
    record_event(ctx, inc, event);
    announce_for(ctx, inc,
                 "🏷️ " + inc.label() + (adding ? ": " : ": no longer ") + what + " (by " +
                     ctx.who(ctx.user) + "). " + words.plural + ": " +
                     (now.empty() ? std::string("none") : joined(now)) + ".");
    if (adding && words.kind == label_kind::service) say_related(ctx, inc);
    return {};
}

}  // namespace

result<void> add_service(context& ctx, arguments& args) {
    return change_labels(ctx, args, services_words, true);
}
result<void> remove_service(context& ctx, arguments& args) {
    return change_labels(ctx, args, services_words, false);
}
result<void> add_tag(context& ctx, arguments& args) {
    return change_labels(ctx, args, tags_words, true);
}
result<void> remove_tag(context& ctx, arguments& args) {
    return change_labels(ctx, args, tags_words, false);
}

}  // namespace hindsight::commands
