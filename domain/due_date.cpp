#include "domain/due_date.hpp"

#include <array>
#include <charconv>

#include "domain/text.hpp"

namespace hindsight::domain {

using namespace std::chrono;

result<civil_date> parse_due_date(std::string_view raw, civil_date today) {
    auto text = ascii_lower(trim(raw));
    auto refuse = [&](std::string why) {
        return make_error(errc::bad_input, "'" + std::string(trim(raw)) + "' " + why + " (use " +
                                               std::string(due_date_forms) + ")");
    };
    if (text.empty()) return refuse("is not a date");
    if (text == "today") return today;
    if (text == "tomorrow") return civil_date{sys_days{today} + days{1}};

    if (text.front() == '+' && text.size() >= 3) {
        int count = 0;
        auto digits = std::string_view(text).substr(1, text.size() - 2);
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
        char unit = text.back();
        if (ec != std::errc{} || ptr != digits.data() + digits.size() || count <= 0 ||
            (unit != 'd' && unit != 'w'))
            return refuse("is not a relative date");
        if (count > 3660 || (unit == 'w' && count > 522)) return refuse("is more than ten years away");
        return civil_date{sys_days{today} + days{unit == 'w' ? count * 7 : count}};
    }

    static constexpr std::array<std::string_view, 7> short_names{"sun", "mon", "tue", "wed",
                                                                 "thu", "fri", "sat"};
    static constexpr std::array<std::string_view, 7> long_names{"sunday",   "monday", "tuesday", "wednesday",
                                                                "thursday", "friday", "saturday"};
    for (unsigned i = 0; i < 7; ++i) {
        if (text != short_names[i] && text != long_names[i] &&
            !(text.size() >= 3 && long_names[i].starts_with(text)))
            continue;
        weekday wanted{i};
        weekday current{sys_days{today}};
        auto ahead = (wanted - current).count();
        if (ahead == 0) ahead = 7;  // "fri" said on a Friday means next Friday: today would say "today"
        return civil_date{sys_days{today} + days{ahead}};
    }

    if (auto date = parse_date(text)) {
        if (sys_days{*date} < sys_days{today}) return refuse("is in the past");
        return *date;
    }
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') return refuse("is not a real calendar day");
    return refuse("is not a date");
}

}  // namespace hindsight::domain
