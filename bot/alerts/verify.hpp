#pragma once
// Who may post alerts: a bearer token for senders that sign nothing (Alertmanager, Grafana without HMAC), and
// each signed sender's own scheme, verified over the raw body in constant time. Errors say what is wrong
// without echoing a secret: errc::bad_input (a header missing or malformed: 400), errc::refused (a token or
// signature that does not match, or a timestamp outside five minutes: 401), errc::forbidden (no secret
// configured, so nothing can be accepted yet: answered 503, so the sender keeps it while the operator sets
// it).
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace hindsight::alerts {

// How far a signed timestamp may be from our clock, either way (Standard Webhooks' tolerance).
inline constexpr std::chrono::minutes signature_window{5};

// `Authorization: Bearer <token>`.
result<void> check_bearer(std::string_view configured_token, std::string_view authorization);

// Grafana's hmacConfig: hex HMAC-SHA256 of the body, or of "<timestamp>:<body>" when a timestamp header is
// configured (then timestamp must be present and recent).
result<void> check_grafana(std::string_view secret, std::string_view signature, bool timestamp_configured,
                           std::string_view timestamp, std::string_view body, domain::timestamp now);

// PagerDuty V3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, any one matching HMAC-SHA256(secret, body);
// other versions are skipped.
result<void> check_pagerduty(std::string_view secret, std::string_view signature_header,
                             std::string_view body);

// Standard Webhooks 1.0: `webhook-signature: v1,<base64> …` over "<id>.<timestamp>.<body>" with the key
// base64-decoded from `whsec_…`.
result<void> check_standard_webhook(std::string_view secret, std::string_view id, std::string_view timestamp,
                                    std::string_view signatures, std::string_view body,
                                    domain::timestamp now);

std::string base64_encode(std::string_view bytes);
// nullopt when the text is not base64 (standard alphabet, padded).
std::optional<std::string> base64_decode(std::string_view text);
std::string hmac_sha256_raw(std::string_view key, std::string_view message);

}  // namespace hindsight::alerts
