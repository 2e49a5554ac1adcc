#pragma once
// Slack request signing (v0, HMAC-SHA256 over "v0:<timestamp>:<raw body>"): checked before a body is parsed,
// with a two-sided five-minute window and a constant-time compare.
#include <chrono>
#include <string>
#include <string_view>

namespace hindsight::slack {

enum class signature_verdict { valid, missing_headers, malformed, stale, from_the_future, mismatch };

std::string_view describe(signature_verdict verdict);

signature_verdict verify_signature(std::string_view signing_secret, std::string_view timestamp_header,
                                   std::string_view signature_header, std::string_view body,
                                   std::chrono::sys_seconds now,
                                   std::chrono::seconds window = std::chrono::seconds{300});

// "v0=<64 hex>" for a body; what Slack sends, and what the fake Slack in the tests signs with.
std::string sign(std::string_view signing_secret, std::string_view timestamp, std::string_view body);

}  // namespace hindsight::slack
