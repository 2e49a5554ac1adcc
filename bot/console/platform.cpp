#include "bot/console/platform.hpp"

#include <charconv>
#include <iostream>
#include <random>

#include "commands/arguments.hpp"
#include "domain/text.hpp"

namespace hindsight::bot {
namespace {

constexpr std::string_view console_help =
    "Console directives:\n"
    "  <text>                   a message in the current channel (numbered #n)\n"
    "  /incident <command>      a slash command (try /incident help)\n"
    "  :react <n> <emoji>       react to message #n (e.g. :react 3 pushpin)\n"
    "  :unreact <n> <emoji>     remove that reaction\n"
    "  :edit <n> <text>         edit message #n\n"
    "  :delete <n>              delete message #n\n"
    "  :thread <n|bN> <text>    reply in the thread of message #n (or bot post bN); commands work there too\n"
    "  :as <user>               speak as another user\n"
    "  :channel <name> [private]  switch to (or create) a channel\n"
    "  :dm                      switch to your direct messages with the bot\n"
    "  :advance <duration>      move the clock (30m, 2h, 3d, 1w)\n"
    "  :help                    this list\n";

std::string strip_colons(std::string_view emoji) {
    while (!emoji.empty() && emoji.front() == ':') emoji.remove_prefix(1);
    while (!emoji.empty() && emoji.back() == ':') emoji.remove_suffix(1);
    return std::string(emoji);
}

std::string indent_continuations(const std::string& text) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += "    ";
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
    return out;
}

}  // namespace

console_platform::console_platform(std::istream& in, std::ostream& out, clock& time, std::string user,
                                   std::string trigger)
    : in_(in), out_(out), clock_(time), user_(std::move(user)), trigger_(std::move(trigger)) {
    channels_[channel_] = {};
    // Not from the (possibly frozen) clock: two sessions with the same --now must not share ids or dedup
    // keys.
    std::random_device entropy;
    session_ = (std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count()
                << 8) ^
               static_cast<std::int64_t>(entropy() & 0xFF);
}

chat::channel_ref console_platform::current_channel() const {
    const auto& state = channels_.at(channel_);
    return {channel_, state.is_private, state.is_direct};
}

std::string console_platform::next_message_id() {
    // Slack-like "seconds.sequence": unique across console sessions sharing one database.
    auto ms = domain::to_millis(clock_.now());
    return std::to_string(ms / 1000) + "." + std::to_string(session_ % 1000000) +
           std::to_string(100000 + ++sequence_);
}

chat::inbound console_platform::make(chat::event e) {
    return {"console", "console:" + std::to_string(session_) + ":" + std::to_string(++sequence_),
            std::move(e)};
}

std::string console_platform::channel_label(const std::string& channel) const {
    auto found = channels_.find(channel);
    if (found != channels_.end() && found->second.is_direct) return "DM";
    return "#" + channel;
}

std::string console_platform::label_of(const std::string& message_id) const {
    for (std::size_t i = 0; i < messages_.size(); ++i)
        if (messages_[i].posted.message_id == message_id) return "#" + std::to_string(i + 1);
    auto bot = bot_labels_.find(message_id);
    return bot != bot_labels_.end() ? bot->second : message_id;
}

void console_platform::print(const std::string& where, const std::string& text) {
    out_ << "[" << where << "] hindsight: " << indent_continuations(text) << "\n";
    out_.flush();
}

std::string console_platform::with_buttons(const std::string& message,
                                           const std::vector<chat::button>& buttons) const {
    auto text = message;
    for (const auto& b : buttons)
        text +=
            "\n[" + b.label + ": /" + trigger_ + " " + b.command + (b.prompt.empty() ? "" : " <text>") + "]";
    return text;
}

const console_platform::typed_message* console_platform::numbered(std::string_view word,
                                                                  std::string& error) const {
    std::size_t n = 0;
    if (!word.empty() && word.front() == '#') word.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
    if (ec != std::errc{} || ptr != word.data() + word.size() || n == 0 || n > messages_.size()) {
        error = "there is no message #" + std::string(word) +
                " (messages so far: " + std::to_string(messages_.size()) + ")";
        return nullptr;
    }
    return &messages_[n - 1];
}

void console_platform::say(const std::string& text) {
    out_ << "(console) " << text << "\n";
}

std::vector<chat::inbound> console_platform::post_as_user(std::string text, std::string thread_root,
                                                          domain::timestamp now) {
    auto command_prefix = "/" + trigger_;
    if (text == command_prefix || text.starts_with(command_prefix + " ")) {
        chat::command_invoked c{current_channel(), thread_root, user_,
                                std::string(domain::trim(text.substr(command_prefix.size()))), now};
        return {make(std::move(c))};
    }
    if (text.front() == '/') {
        say("unknown slash command " + text.substr(0, text.find(' ')) + "; the bot listens to " +
            command_prefix);
        return {};
    }
    chat::message_posted m{
        current_channel(), next_message_id(), std::move(thread_root), user_, text, now, false, {}};
    messages_.push_back({m, false});
    out_ << "#" << messages_.size() << " [" << channel_label(channel_)
         << (m.thread_root.empty() ? "" : " › thread " + label_of(m.thread_root)) << "] " << user_ << ": "
         << text << "\n";
    return {make(std::move(m))};
}

std::vector<chat::inbound> console_platform::react_to_message(commands::arguments& args,
                                                              const std::string& directive,
                                                              domain::timestamp now) {
    std::string error;
    auto target = numbered(args.next().value_or(""), error);
    auto emoji = strip_colons(args.next().value_or(""));
    if (!target || emoji.empty() || !args.empty()) {
        say("usage: :" + directive + " <n> <emoji>" + (error.empty() ? "" : " — " + error));
        return {};
    }
    chat::reaction_changed r{
        target->posted.channel, target->posted.message_id, user_, emoji, directive == "react", now};
    return {make(std::move(r))};
}

std::vector<chat::inbound> console_platform::edit_message(commands::arguments& args, domain::timestamp now) {
    std::string error;
    auto target = numbered(args.next().value_or(""), error);
    if (!target || args.empty()) {
        say("usage: :edit <n> <text>" + (error.empty() ? "" : " — " + error));
        return {};
    }
    auto& message = messages_[static_cast<std::size_t>(target - messages_.data())];
    if (message.deleted) {
        say("message " + label_of(message.posted.message_id) + " was deleted");
        return {};
    }
    message.posted.text = std::string(args.rest());
    return {make(
        chat::message_edited{message.posted.channel, message.posted.message_id, message.posted.text, now})};
}

std::vector<chat::inbound> console_platform::delete_message(commands::arguments& args,
                                                            domain::timestamp now) {
    std::string error;
    auto target = numbered(args.next().value_or(""), error);
    if (!target || !args.empty()) {
        say("usage: :delete <n>" + (error.empty() ? "" : " — " + error));
        return {};
    }
    auto& message = messages_[static_cast<std::size_t>(target - messages_.data())];
    message.deleted = true;
    return {make(chat::message_deleted{message.posted.channel, message.posted.message_id, now})};
}

std::vector<chat::inbound> console_platform::post_in_thread(commands::arguments& args,
                                                            domain::timestamp now) {
    auto word = args.next().value_or("");
    std::string error;
    std::string root;
    std::string root_channel;
    if (!word.empty() && word.front() == 'b') {
        for (const auto& [id, label] : bot_labels_)
            if (label == word) root = id, root_channel = root_channel_[id];
        if (root.empty()) error = "there is no bot post " + std::string(word);
    } else if (auto target = numbered(word, error)) {
        root = target->posted.thread_root.empty() ? target->posted.message_id : target->posted.thread_root;
        root_channel = target->posted.channel.id;
    }
    if (root.empty() || args.empty()) {
        say("usage: :thread <n|bN> <text>" + (error.empty() ? "" : " — " + error));
        return {};
    }
    if (root_channel != channel_) {
        say("that message is in " + channel_label(root_channel) + "; switch there with :channel " +
            root_channel);
        return {};
    }
    return post_as_user(std::string(args.rest()), root, now);
}

void console_platform::switch_user(commands::arguments& args) {
    auto name = args.next();
    if (!name || !args.empty() || !commands::parse_user_mention("@" + std::string(*name))) {
        say("usage: :as <user> (letters, digits, . _ -)");
        return;
    }
    user_ = std::string(*name);
    say("you are now " + user_);
}

void console_platform::switch_channel(commands::arguments& args) {
    auto name = args.next();
    auto flag = args.next();
    if (!name || (flag && *flag != "private") || !args.empty()) {
        say("usage: :channel <name> [private]");
        return;
    }
    std::string channel(name->front() == '#' ? name->substr(1) : *name);
    if (channel.empty() || channel.starts_with("dm-")) {
        say("usage: :channel <name> [private] (names starting with dm- are direct messages: use :dm)");
        return;
    }
    auto [it, created] = channels_.try_emplace(channel, channel_state{flag.has_value(), false});
    channel_ = channel;
    say(std::string(created ? "created " : "switched to ") + (it->second.is_private ? "private " : "") +
        "channel #" + channel);
}

void console_platform::switch_to_direct_messages() {
    channel_ = "dm-" + user_;
    channels_.try_emplace(channel_, channel_state{true, true});
    say("direct messages between " + user_ + " and the bot");
}

void console_platform::advance_clock(commands::arguments& args) {
    auto duration = domain::parse_duration(args.next().value_or(""));
    if (!duration || !args.empty()) {
        say("usage: :advance <duration> (30m, 2h, 3d, 1w)");
        return;
    }
    clock_.advance(*duration);
    say("the time is now " + domain::format_minute(clock_.now()) + " UTC");
    time_moved_ = true;  // reminders that fell due meanwhile go out now
}

std::vector<chat::inbound> console_platform::interpret(const std::string& raw) {
    auto line = std::string(domain::trim(raw));
    if (line.empty()) return {};
    auto now = clock_.now();
    if (line.front() != ':') return post_as_user(line, {}, now);

    commands::arguments args(std::string_view(line).substr(1));
    auto directive = domain::ascii_lower(args.next().value_or(""));
    if (directive == "help") {
        out_ << console_help;
        return {};
    }
    if (directive == "react" || directive == "unreact") return react_to_message(args, directive, now);
    if (directive == "edit") return edit_message(args, now);
    if (directive == "delete") return delete_message(args, now);
    if (directive == "thread") return post_in_thread(args, now);
    if (directive == "as") {
        switch_user(args);
    } else if (directive == "channel") {
        switch_channel(args);
    } else if (directive == "dm") {
        switch_to_direct_messages();
    } else if (directive == "advance") {
        advance_clock(args);
    } else if (directive == "quit" || directive == "exit") {
        stopped_ = true;
    } else {
        say("unknown directive :" + directive + " — :help lists them");
    }
    return {};
}

boost::asio::awaitable<void> console_platform::run(chat::event_sink sink) {
    out_ << "hindsight console — you are " << user_ << " in #" << channel_ << ". Type :help, or /" << trigger_
         << " help.\n";
    std::string line;
    while (!stopped_ && std::getline(in_, line)) {
        auto events = interpret(line);
        if (events.empty()) {
            if (time_moved_) co_await sink.settle();
            time_moved_ = false;
            continue;
        }
        bool recorded = true;
        try {
            co_await sink.accept(std::move(events));
        } catch (const std::exception&) {
            recorded = false;  // the author was told why; the console goes on like a chat would
        }
        if (recorded) co_await sink.settle();
        clock_.tick();
    }
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::channel_post& m) {
    auto id = next_message_id();
    bot_labels_[id] = "b" + std::to_string(++bot_posts_);
    root_channel_[id] = m.channel;
    print(channel_label(m.channel) + " " + bot_labels_[id], with_buttons(m.text, m.buttons));
    co_return chat::call_result::success(id);
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::message_edit& m) {
    print(channel_label(m.channel) + " " + label_of(m.message_id) + " (edited)",
          with_buttons(m.text, m.buttons));
    co_return chat::call_result::success(m.message_id);
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::channel_request& m) {
    auto [it, created] = channels_.try_emplace(m.name, channel_state{m.is_private, false});
    if (!created) co_return chat::call_result{chat::call_result::outcome::rejected, {}, "name_taken", {}};
    out_ << "[#" << m.name << "] hindsight created " << (m.is_private ? "the private channel " : "") << "#"
         << m.name << " and invited @" << m.invite_user << " (switch to it with :channel " << m.name << ")\n";
    co_return chat::call_result::success(m.name);
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::thread_reply& m) {
    auto id = next_message_id();
    print(channel_label(m.channel) + " › thread " + label_of(m.thread_root), with_buttons(m.text, m.buttons));
    co_return chat::call_result::success(id);
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::ephemeral_note& m) {
    print(channel_label(m.channel) + (m.thread_root.empty() ? "" : " › thread " + label_of(m.thread_root)) +
              " · only @" + m.user,
          m.text);
    co_return chat::call_result::success();
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::direct_message& m) {
    print("DM to @" + m.user, with_buttons(m.text, m.buttons));
    co_return chat::call_result::success(next_message_id());
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::reaction& m) {
    out_ << "[" << channel_label(m.channel) << "] hindsight " << (m.remove ? "removed its :" : "reacted :")
         << m.emoji << (m.remove ? ": from " : ": to ") << label_of(m.message_id) << "\n";
    co_return chat::call_result::success();
}

boost::asio::awaitable<chat::call_result> console_platform::send(const chat::sending&,
                                                                 const chat::file_upload& m) {
    out_ << "[" << channel_label(m.channel) << "] hindsight uploaded " << m.file_name << " ("
         << m.content.size() << " bytes):\n"
         << "----- " << m.file_name << " -----\n"
         << m.content << "----- end of " << m.file_name << " -----\n";
    co_return chat::call_result::success(next_message_id());
}

boost::asio::awaitable<std::optional<chat::message_posted>> console_platform::fetch_message(
    const std::string&, const std::string& channel, const std::string& message_id) {
    for (const auto& m : messages_)
        if (m.posted.channel.id == channel && m.posted.message_id == message_id && !m.deleted)
            co_return m.posted;
    co_return std::nullopt;
}

boost::asio::awaitable<chat::history_page> console_platform::read_history(
    const std::string& workspace, const chat::history_request& request) {
    chat::history_page page;
    for (const auto& m : messages_)
        if (m.posted.channel.id == request.channel && m.posted.at >= request.since && !m.deleted)
            page.events.push_back({workspace, {}, m.posted});
    co_return page;
}

boost::asio::awaitable<std::optional<chat::user_info>> console_platform::lookup_user(
    const std::string&, const std::string& user_id) {
    co_return chat::user_info{user_id, user_id, {}};
}

}  // namespace hindsight::bot
