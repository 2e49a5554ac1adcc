#include "bot/slack/signature.hpp"

#include <charconv>

#include "bot/common/signing.hpp"

namespace hindsight::slack {

std::string_view describe(signature_verdict verdict) {
    switch (verdict) {
        case signature_verdict::valid:
            return "valid";
        case signature_verdict::missing_headers:
            return "missing X-Slack-Signature or X-Slack-Request-Timestamp";
        case signature_verdict::malformed:
            return "malformed signature or timestamp";
        case signature_verdict::stale:
            return "timestamp older than the replay window";
        case signature_verdict::from_the_future:
            return "timestamp too far in the future";
        case signature_verdict::mismatch:
            return "signature does not match";
    }
    return "unknown";
}

std::string sign(std::string_view signing_secret, std::string_view timestamp, std::string_view body) {
    std::string basestring;
    basestring.reserve(body.size() + timestamp.size() + 4);
    basestring.append("v0:").append(timestamp).append(":").append(body);
    return "v0=" + common::hmac_sha256_hex(signing_secret, basestring);
}

signature_verdict verify_signature(std::string_view signing_secret, std::string_view timestamp_header,
                                   std::string_view signature_header, std::string_view body,
                                   std::chrono::sys_seconds now, std::chrono::seconds window) {
    if (timestamp_header.empty() || signature_header.empty()) return signature_verdict::missing_headers;
    long long timestamp = 0;
    auto [end, ec] = std::from_chars(timestamp_header.data(),
                                     timestamp_header.data() + timestamp_header.size(), timestamp);
    if (ec != std::errc{} || end != timestamp_header.data() + timestamp_header.size() ||
        signature_header.size() != 67 || !signature_header.starts_with("v0="))
        return signature_verdict::malformed;
    auto age = now.time_since_epoch().count() - timestamp;
    if (age > window.count()) return signature_verdict::stale;
    if (-age > window.count()) return signature_verdict::from_the_future;
    auto expected = sign(signing_secret, timestamp_header, body);
    // Constant time: how much of a forged signature matches must not show in the response time.
    if (!common::equal_in_constant_time(expected, signature_header)) return signature_verdict::mismatch;
    return signature_verdict::valid;
}

}  // namespace hindsight::slack
