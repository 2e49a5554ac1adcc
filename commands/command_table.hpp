#pragma once
#include <string_view>
#include <vector>

#include "commands/context.hpp"

namespace hindsight::commands {

struct command_spec {
    std::string_view name;
    std::string_view usage;  // after the trigger: "start <title> [sev1..sev4]"
    std::string_view summary;
    std::string_view topic;  // "incident", "marking", "review", "actions"
};

const std::vector<command_spec>& command_table();
const command_spec* find_command(std::string_view name);

// Runs one "/incident …" line: the sub-command, or help, or a specific error with the usage line.
void dispatch_command(context& ctx, std::string_view text);

// The help text, generated from the table; topic may be a sub-command or a topic name.
std::string help_text(std::string_view trigger, std::string_view topic);

}  // namespace hindsight::commands
