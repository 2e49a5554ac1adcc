#include "bot/trackers/tracker_http.hpp"

#include <algorithm>

#include "bot/common/signing.hpp"
#include "domain/text.hpp"

namespace hindsight::trackers {

std::string header_value(const header_pairs& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (domain::ascii_lower(key) == domain::ascii_lower(name)) return value;
    return {};
}

std::optional<std::int64_t> header_number(const header_pairs& headers, std::string_view name) {
    auto text = header_value(headers, name);
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return std::nullopt;
    return std::stoll(text);
}

std::chrono::seconds retry_wait(const header_pairs& headers, int attempts) {
    if (auto after = header_number(headers, "retry-after"))
        return std::chrono::seconds{std::max<std::int64_t>(*after, 1)};
    return std::min(std::chrono::seconds{5} * (1 << std::clamp(attempts, 0, 6)), std::chrono::seconds{600});
}

bool hub_signature_valid(std::string_view secret, std::string_view body, std::string_view header) {
    constexpr std::string_view prefix = "sha256=";
    if (secret.empty() || !header.starts_with(prefix)) return false;
    auto expected = common::hmac_sha256_hex(secret, body);
    return common::equal_in_constant_time(expected, domain::ascii_lower(header.substr(prefix.size())));
}

}  // namespace hindsight::trackers
