// Action items given as review replies: an edited reply re-reads the item, a deleted one takes it back.
#include "commands/handlers.hpp"
#include "domain/action_text.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"

namespace hindsight::commands {

result<std::string> reparse_action_text(context& ctx, domain::action_item& action, const std::string& text) {
    auto parsed = domain::parse_action_text(text, ctx.today());
    if (!parsed) return parsed.failure();
    auto checked = checked_text(parsed->text, "action text", domain::max_text_length);
    if (!checked) return checked.failure();
    // What the edit names changes; what it leaves out stays as it was (a due date set with `due` survives).
    if (parsed->owner) {
        auto user = resolve_user(ctx, *parsed->owner);
        if (!user) return user.failure();
        action.owner = *user;
    }
    if (parsed->due) action.due = *parsed->due;
    if (parsed->type) action.type = *parsed->type;
    action.text = *checked;
    return quote(action.text) + " — owner " + ctx.who(action.owner) + ", due " +
           domain::format_date(action.due) + " · " + std::string(domain::to_string(action.type));
}

std::optional<std::string> withdraw_action(context& ctx, std::int64_t action_id) {
    auto a = ctx.store.actions.find_by_id(action_id);
    if (!a) return std::nullopt;
    ctx.store.actions.remove(a->id);
    if (auto inc = ctx.store.incidents.find_by_id(a->incident_id)) {
        // The creation event quoted the deleted text: it leaves the timeline with the item.
        auto created = "Action " + a->label() + " created by ";
        for (const auto& e : ctx.store.timeline.list(inc->id))
            if (e.kind == domain::entry_kind::event && e.text.starts_with(created))
                ctx.store.timeline.set_state(e.id, domain::entry_state::deleted);
        record_event(ctx, *inc, "Action " + a->label() + " withdrawn: its review reply was deleted");
    }
    return a->label();
}

}  // namespace hindsight::commands
