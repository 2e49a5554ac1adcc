#include "chat/outgoing.hpp"

namespace hindsight::chat {

namespace {

const std::string no_text;
const std::vector<button> no_buttons;

template <class... Visitors>
struct overloaded : Visitors... {
    using Visitors::operator()...;
};
template <class... Visitors>
overloaded(Visitors...) -> overloaded<Visitors...>;

}  // namespace

const std::string& text_of(const outgoing& message) {
    return std::visit(overloaded{[](const reaction& r) -> const std::string& { return r.emoji; },
                                 [](const file_upload& f) -> const std::string& { return f.content; },
                                 [](const channel_request& c) -> const std::string& { return c.name; },
                                 [](const auto& m) -> const std::string& { return m.text; }},
                      message);
}

const std::string& channel_of(const outgoing& message) {
    return std::visit(
        overloaded{[](const direct_message&) -> const std::string& { return no_text; },
                   [](const channel_request& c) -> const std::string& { return c.requested_in; },
                   [](const auto& m) -> const std::string& { return m.channel; }},
        message);
}

const std::string& user_of(const outgoing& message) {
    return std::visit(overloaded{[](const ephemeral_note& e) -> const std::string& { return e.user; },
                                 [](const direct_message& d) -> const std::string& { return d.user; },
                                 [](const channel_request& c) -> const std::string& { return c.invite_user; },
                                 [](const auto&) -> const std::string& { return no_text; }},
                      message);
}

const std::vector<button>& buttons_of(const outgoing& message) {
    return std::visit(
        [](const auto& m) -> const std::vector<button>& {
            if constexpr (requires { m.buttons; })
                return m.buttons;
            else
                return no_buttons;
        },
        message);
}

const std::string& defined_thread_of(const outgoing& message) {
    return std::visit(
        [](const auto& m) -> const std::string& {
            if constexpr (requires { m.defines_thread; })
                return m.defines_thread;
            else
                return no_text;
        },
        message);
}

void define_thread(outgoing& message, std::string key) {
    std::visit(
        [&key](auto& m) {
            if constexpr (requires { m.defines_thread; }) m.defines_thread = std::move(key);
        },
        message);
}

void attach_buttons(outgoing& message, std::vector<button> buttons) {
    std::visit(
        [&buttons](auto& m) {
            if constexpr (requires { m.buttons; }) m.buttons = std::move(buttons);
        },
        message);
}

}  // namespace hindsight::chat
