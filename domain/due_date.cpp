#include "domain/due_date.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "domain/text.hpp"

namespace hindsight::domain {

using namespace std::chrono;

namespace {

constexpr std::array<std::string_view, 7> weekday_names{"sunday",   "monday", "tuesday", "wednesday",
                                                        "thursday", "friday", "saturday"};
constexpr std::array<std::string_view, 12> month_names{"january",   "february", "march",    "april",
                                                       "may",       "june",     "july",     "august",
                                                       "september", "october",  "november", "december"};
// Ten years: anything further is a typo, and it keeps the arithmetic far from overflow.
constexpr int max_days_ahead = 3660;

// What one date form makes of the words: not this form, a date, or the reason this form refuses them.
struct reading {
    bool matched = false;
    civil_date date{};
    std::string refusal;
};
reading date_of(civil_date d) {
    return {true, d, {}};
}
reading refused(std::string why) {
    return {true, {}, std::move(why)};
}

civil_date add_days(civil_date d, int count) {
    return civil_date{sys_days{d} + days{count}};
}

// A name typed as at least its first three letters ("fri", "frid", "friday"; "sep", "sept", "september").
template <std::size_t N>
std::optional<unsigned> find_name(const std::array<std::string_view, N>& names, std::string_view word) {
    if (word.size() < 3) return std::nullopt;
    for (unsigned i = 0; i < N; ++i)
        if (names[i].starts_with(word)) return i;
    return std::nullopt;
}

std::optional<int> parse_positive(std::string_view digits) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size() || value <= 0)
        return std::nullopt;
    return value;
}

// "20", "20th", "1st", "2nd", "3rd" → the day of the month (range checked by the calendar later).
std::optional<unsigned> parse_day_number(std::string_view word) {
    for (std::string_view suffix : {"st", "nd", "rd", "th"})
        if (word.size() > 2 && word.ends_with(suffix)) word.remove_suffix(2);
    if (word.size() > 2) return std::nullopt;
    auto value = parse_positive(word);
    if (!value || *value > 31) return std::nullopt;
    return static_cast<unsigned>(*value);
}

civil_date next_weekday(civil_date today, unsigned index) {
    auto ahead = (weekday{index} - weekday{sys_days{today}}).count();
    // "fri" said on a Friday means next Friday: today would say "today".
    return add_days(today, ahead == 0 ? 7 : static_cast<int>(ahead));
}

reading ahead_by(int count, bool weeks, civil_date today) {
    if (count > (weeks ? max_days_ahead / 7 : max_days_ahead)) return refused("is more than ten years away");
    return date_of(add_days(today, weeks ? count * 7 : count));
}

// One word: today, tomorrow, +3d, +2w, a weekday, YYYY-MM-DD.
reading one_word(std::string_view word, civil_date today) {
    if (word == "today") return date_of(today);
    if (word == "tomorrow") return date_of(add_days(today, 1));
    if (word.front() == '+') {
        char unit = word.back();
        auto count = word.size() < 3 ? std::nullopt : parse_positive(word.substr(1, word.size() - 2));
        if (!count || (unit != 'd' && unit != 'w')) return refused("is not a relative date");
        return ahead_by(*count, unit == 'w', today);
    }
    if (auto day = find_name(weekday_names, word)) return date_of(next_weekday(today, *day));
    if (auto date = parse_date(word)) return date_of(*date);
    if (word.size() == 10 && word[4] == '-' && word[7] == '-') return refused("is not a real calendar day");
    return {};
}

// "in 3 days", "in 1 week", "in a week", "in two weeks" is not read: digits keep it unambiguous.
reading in_count(const std::vector<std::string_view>& w, civil_date today) {
    if (w.size() != 3 || w[0] != "in") return {};
    auto count = w[1] == "a" || w[1] == "one" ? std::optional<int>(1) : parse_positive(w[1]);
    bool weeks = w[2] == "week" || w[2] == "weeks";
    if (!count || (!weeks && w[2] != "day" && w[2] != "days")) return {};
    return ahead_by(*count, weeks, today);
}

// "March 20", "20 Mar", "mar 20th". Decision: without a year it means this year's date; once that has
// passed, next year's when it passed more than about half a year ago ("Jan 10" said in December), and a
// refusal as a likely typo when it passed recently ("March 2" said on March 4 is not a plan for 2027).
reading month_day(const std::vector<std::string_view>& w, civil_date today) {
    if (w.size() != 2) return {};
    auto month = find_name(month_names, w[0]);
    auto day = parse_day_number(w[1]);
    if (!month || !day) {
        month = find_name(month_names, w[1]);
        day = parse_day_number(w[0]);
    }
    if (!month || !day) return {};
    civil_date date{today.year(), std::chrono::month{*month + 1}, std::chrono::day{*day}};
    if (!date.ok()) return refused("is not a real calendar day");
    auto behind = (sys_days{today} - sys_days{date}).count();
    if (behind <= 0) return date_of(date);
    if (behind < 183)
        return refused("is in the past (" + format_date(date) + "); write the full date, like " +
                       format_date(date + years{1}) + ", if you mean next year");
    civil_date next{date.year() + years{1}, date.month(), date.day()};
    if (!next.ok()) return refused("is not a real calendar day");
    return date_of(next);
}

reading multi_word(const std::vector<std::string_view>& w, civil_date today) {
    if (w.size() == 2 && w[0] == "next") {
        // "next fri" is the same day as "fri": the next one after today.
        if (auto day = find_name(weekday_names, w[1])) return date_of(next_weekday(today, *day));
        return {};
    }
    if (w == std::vector<std::string_view>{"end", "of", "month"} ||
        w == std::vector<std::string_view>{"end", "of", "the", "month"}) {
        auto last = year_month_day_last{today.year(), month_day_last{today.month()}};
        return date_of(civil_date{last});
    }
    if (auto in = in_count(w, today); in.matched) return in;
    return month_day(w, today);
}

}  // namespace

result<civil_date> parse_due_date(std::string_view raw, civil_date today) {
    auto typed = std::string(trim(raw));
    auto refuse = [&](const std::string& why) {
        return make_error(errc::bad_input, "'" + defuse_crowd_mentions(typed) + "' " + why + " (use " +
                                               std::string(due_date_forms) + ")");
    };
    auto text = ascii_lower(typed);
    auto words = split_words(text);
    if (words.empty()) return refuse("is not a date");
    auto read = words.size() == 1 ? one_word(words[0], today) : multi_word(words, today);
    if (!read.matched) return refuse("is not a date");
    if (!read.refusal.empty()) return refuse(read.refusal);
    if (sys_days{read.date} < sys_days{today}) return refuse("is in the past");
    return read.date;
}

bool looks_like_date_start(std::string_view raw) {
    auto word = ascii_lower(raw);
    if (word.empty()) return false;
    for (std::string_view keyword : {"today", "tomorrow", "next", "in", "end"})
        if (word == keyword) return true;
    if (word.front() == '+' || (word.front() >= '0' && word.front() <= '9')) return true;
    // Mistyped weekdays ("fryday", "someday") are dates gone wrong, and deserve an error naming them.
    return find_name(weekday_names, word) || find_name(month_names, word) || word.ends_with("day");
}

}  // namespace hindsight::domain
