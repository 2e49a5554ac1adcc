#pragma once
// Splits a command line into words while keeping "the rest of the line" available, because most
// sub-commands take free text after a few keywords.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::commands {

class arguments {
public:
    explicit arguments(std::string_view text);

    bool empty() const { return rest().empty(); }
    std::optional<std::string_view> peek() const;
    std::optional<std::string_view> next();
    std::string_view rest() const;  // trimmed

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::vector<std::string_view> split_words(std::string_view text);
// Non-empty, trimmed lines.
std::vector<std::string_view> split_lines(std::string_view text);

// "INC-7" / "inc-7" → 7
std::optional<int> parse_incident_ref(std::string_view word);
// "A-12" / "a-12" → 12
std::optional<int> parse_action_ref(std::string_view word);
// "<@U123>", "<@U123|alice>" → "U123"; "@alice" → "alice" (a name to look up); anything else → nullopt
struct user_mention {
    std::string value;
    bool is_id = false;  // true for the platform's mention syntax
};
std::optional<user_mention> parse_user_mention(std::string_view word);

}  // namespace hindsight::commands
