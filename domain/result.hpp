#pragma once
// Expected failures travel as values: a small expected-like type carrying a project error code and a
// message meant for the person who typed the command. Infrastructure failures throw instead.
#include <chrono>
#include <string>
#include <utility>
#include <variant>

namespace hindsight {

enum class errc {
    bad_input,        // malformed command, argument or date
    not_found,        // unknown incident, action, channel or message
    conflict,         // a second active incident in a channel, an action already done, ...
    forbidden,        // a private incident named outside its channel
    not_supported,    // a capability the platform lacks
    storage_failure,  // the database refused the write (full disk, read-only file)
    config_invalid,   // a configuration file that cannot be used
    unavailable,      // a remote service did not answer, or asked us to come back later: try again
    refused,          // a remote service said no in a way retrying cannot change (a revoked token)
};

struct error {
    errc code;
    std::string message;
    // unavailable: how long the remote side asked us to wait (Retry-After); zero when it did not say.
    std::chrono::milliseconds retry_after{0};
};

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : state_(std::move(value)) {}
    result(error failure) : state_(std::move(failure)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const error& failure() const { return std::get<1>(state_); }

private:
    std::variant<T, error> state_;
};

template <>
class [[nodiscard]] result<void> {
public:
    result() = default;
    result(error failure) : failure_(std::move(failure)), ok_(false) {}
    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const error& failure() const { return failure_; }

private:
    error failure_{errc::bad_input, {}};
    bool ok_ = true;
};

inline error make_error(errc code, std::string message) {
    return error{code, std::move(message)};
}

}  // namespace hindsight
