#pragma once
// Reminders that chase action items to closure (SPEC §6) and the review-due and status-update nudges (§4,
// issue 5). Planning is a function of the stored state and the clock: nothing is scheduled ahead, so a digest
// missed while the bot was down is simply still due when it comes back, and the reminder log makes each
// (kind, recipient, period) go out once.
#include <optional>
#include <string>
#include <vector>

#include "chat/outgoing.hpp"
#include "commands/context.hpp"

namespace hindsight::commands {

struct reminder {
    std::string kind;       // "digest", "digest-channel", "escalation", "review-due", "status-update"
    std::string recipient;  // a user id, or a channel id for channel summaries
    std::string period;     // what makes it once-only: "2026-03-02" for the week of that digest, "w3", …
    chat::outgoing message;
};

struct reminder_plan {
    std::vector<reminder> due;
    std::optional<domain::timestamp> next_check;  // when planning again can find something new
};

// Everything due at now in one workspace, whether or not it was already sent (the log decides).
reminder_plan plan_reminders(const config::settings& cfg, stores& store, const std::string& workspace,
                             domain::timestamp now);

// The review sessions' quarter-left and time-is-up posts (review_timebox.cpp).
void plan_review_timeboxes(const config::settings& cfg, stores& store, const std::string& workspace,
                           domain::timestamp now, reminder_plan& plan);

// The most recent weekly slot ("mon 09:00" in zone) at or before now, as a UTC instant, with its local date.
struct weekly_slot {
    domain::timestamp at{};
    domain::civil_date local_day{};
};
std::optional<weekly_slot> latest_weekly_slot(const std::string& weekly, const std::string& zone,
                                              domain::timestamp now);

// The day n business days (Mon–Fri) after day.
domain::civil_date add_business_days(domain::civil_date day, int n);

}  // namespace hindsight::commands
