#include "bot/alerts/verify.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "bot/common/signing.hpp"
#include "domain/text.hpp"

namespace hindsight::alerts {
namespace {

error bad(std::string message) {
    return error{errc::bad_input, std::move(message)};
}
error wrong(std::string message) {
    return error{errc::refused, std::move(message)};
}
error unconfigured(std::string variable) {
    return error{errc::forbidden, variable + " is not set on hindsight, so nothing can be verified"};
}

// Unix seconds, within the window of now either way.
result<void> check_timestamp(std::string_view text, domain::timestamp now) {
    long long seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    // Twelve digits reach the year 33658: anything longer is no time of ours (and would overflow below).
    if (text.empty() || text.size() > 12 || ec != std::errc{} || end != text.data() + text.size())
        return bad("the timestamp header is not whole Unix seconds");
    auto sent = domain::timestamp{std::chrono::seconds{seconds}};
    auto drift = sent > now ? sent - now : now - sent;
    if (drift > signature_window)
        return wrong("the signed timestamp is more than five minutes from now (a replay, or a clock off)");
    return {};
}

std::optional<std::string> hex_decode(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
        if (ec != std::errc{} || end != hex.data() + i + 2) return std::nullopt;
        out += static_cast<char>(value);
    }
    return out;
}

}  // namespace

std::string hmac_sha256_raw(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    auto written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    std::string out(3 * text.size() / 4, '\0');
    auto written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0) return std::nullopt;
    // EVP_DecodeBlock counts the padding as zero bytes.
    std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
}

result<void> check_bearer(std::string_view configured_token, std::string_view authorization) {
    if (configured_token.empty()) return unconfigured("ALERTS_TOKEN");
    if (authorization.empty()) return wrong("no Authorization header (expected Bearer <ALERTS_TOKEN>)");
    if (!domain::starts_with_ci(authorization, "bearer "))
        return wrong("the Authorization header is not a Bearer token");
    auto offered = domain::trim(authorization.substr(7));
    if (!common::matches_secret(configured_token, offered)) return wrong("the bearer token does not match");
    return {};
}

result<void> check_grafana(std::string_view secret, std::string_view signature, bool timestamp_configured,
                           std::string_view timestamp, std::string_view body, domain::timestamp now) {
    if (secret.empty()) return unconfigured("GRAFANA_WEBHOOK_SECRET");
    if (signature.empty()) return bad("the Grafana signature header is missing");
    std::string signed_bytes;
    if (timestamp_configured) {
        if (timestamp.empty()) return bad("the Grafana timestamp header is missing");
        if (auto fresh = check_timestamp(timestamp, now); !fresh) return fresh;
        signed_bytes.append(timestamp).append(":");
    }
    signed_bytes.append(body);
    auto expected = common::hmac_sha256_hex(secret, signed_bytes);
    if (!common::equal_in_constant_time(expected, domain::ascii_lower(domain::trim(signature))))
        return wrong("the Grafana signature does not match the body");
    return {};
}

result<void> check_pagerduty(std::string_view secret, std::string_view signature_header,
                             std::string_view body) {
    if (secret.empty()) return unconfigured("PAGERDUTY_WEBHOOK_SECRET");
    if (signature_header.empty()) return bad("the X-PagerDuty-Signature header is missing");
    auto expected = hmac_sha256_raw(secret, body);
    bool any_v1 = false, matched = false;
    std::string_view rest = signature_header;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto entry = domain::trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (!entry.starts_with("v1=")) continue;  // a later version, or noise
        any_v1 = true;
        auto decoded = hex_decode(entry.substr(3));
        // Every candidate is compared, matched or not: the time taken says nothing about which one matched.
        if (decoded && common::equal_in_constant_time(*decoded, expected)) matched = true;
    }
    if (!any_v1) return bad("X-PagerDuty-Signature has no v1= signature");
    if (!matched) return wrong("no X-PagerDuty-Signature matches the body");
    return {};
}

result<void> check_standard_webhook(std::string_view secret, std::string_view id, std::string_view timestamp,
                                    std::string_view signatures, std::string_view body,
                                    domain::timestamp now) {
    if (secret.empty()) return unconfigured("ALERTS_WEBHOOK_SECRET");
    if (id.empty() || timestamp.empty() || signatures.empty())
        return bad("webhook-id, webhook-timestamp and webhook-signature are all required");
    auto key = base64_decode(secret.starts_with("whsec_") ? secret.substr(6) : secret);
    if (!key || key->empty())
        return error{errc::forbidden, "ALERTS_WEBHOOK_SECRET is not whsec_ followed by base64"};
    if (auto fresh = check_timestamp(timestamp, now); !fresh) return fresh;
    std::string signed_bytes;
    signed_bytes.reserve(id.size() + timestamp.size() + body.size() + 2);
    signed_bytes.append(id).append(".").append(timestamp).append(".").append(body);
    auto expected = base64_encode(hmac_sha256_raw(*key, signed_bytes));
    bool matched = false;
    std::string_view rest = signatures;
    while (!rest.empty()) {
        auto space = rest.find(' ');
        auto entry = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
        auto comma = entry.find(',');
        if (comma == std::string_view::npos || entry.substr(0, comma) != "v1") continue;
        if (common::equal_in_constant_time(entry.substr(comma + 1), expected)) matched = true;
    }
    if (!matched) return wrong("no webhook-signature matches the body");
    return {};
}

}  // namespace hindsight::alerts
