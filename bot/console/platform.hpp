#pragma once
// The console as a chat platform: stdin lines become messages, commands, reactions and edits in a simulated
// workspace; the bot's posts are printed the way they would appear (channel, thread, ephemeral, DM).
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "bot/app/clock.hpp"
#include "chat/platform.hpp"

namespace hindsight::commands {
class arguments;
}

namespace hindsight::bot {

class console_platform final : public chat::platform {
public:
    console_platform(std::istream& in, std::ostream& out, clock& time, std::string user, std::string trigger);

    std::string name() const override { return "console"; }
    std::vector<std::pair<std::string, std::string>> workspaces() const override {
        return {{"console", "hindsight"}};
    }
    bool connected() const override { return true; }
    boost::asio::awaitable<void> run(chat::event_sink sink) override;
    void stop() override { stopped_ = true; }

    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::channel_post&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::thread_reply&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&,
                                                   const chat::ephemeral_note&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&,
                                                   const chat::direct_message&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::reaction&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::file_upload&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&, const chat::message_edit&) override;
    boost::asio::awaitable<chat::call_result> send(const chat::sending&,
                                                   const chat::channel_request&) override;
    boost::asio::awaitable<std::optional<chat::message_posted>> fetch_message(const std::string&,
                                                                              const std::string&,
                                                                              const std::string&) override;
    boost::asio::awaitable<std::optional<chat::user_info>> lookup_user(const std::string&,
                                                                       const std::string& user_id) override;
    // The messages typed in this session in that channel since then, in one page: all of them seen live,
    // so an import here shows what "once" means.
    boost::asio::awaitable<chat::history_page> read_history(const std::string& workspace,
                                                            const chat::history_request& request) override;

    // Parses one typed line into events; prints errors for malformed directives. Public for tests.
    std::vector<chat::inbound> interpret(const std::string& line);

private:
    struct channel_state {
        bool is_private = false;
        bool is_direct = false;
    };
    struct typed_message {
        chat::message_posted posted;
        bool deleted = false;
    };

    chat::channel_ref current_channel() const;
    std::string next_message_id();
    chat::inbound make(chat::event e);
    void print(const std::string& where, const std::string& text);
    // The text, then each button as the command it stands for: the console has nothing to click.
    std::string with_buttons(const std::string& text, const std::vector<chat::button>& buttons) const;
    std::string label_of(const std::string& message_id) const;
    std::string channel_label(const std::string& channel) const;
    const typed_message* numbered(std::string_view word, std::string& error) const;

    // The console's own remarks (usage, errors), marked so that they cannot be mistaken for chat.
    void say(const std::string& text);
    // A typed line that is not a directive: a message, or a command if it starts with the trigger.
    std::vector<chat::inbound> post_as_user(std::string text, std::string thread_root, domain::timestamp now);
    // The directives; each prints its own usage line when the arguments do not fit.
    std::vector<chat::inbound> react_to_message(commands::arguments& args, const std::string& directive,
                                                domain::timestamp now);
    std::vector<chat::inbound> edit_message(commands::arguments& args, domain::timestamp now);
    std::vector<chat::inbound> delete_message(commands::arguments& args, domain::timestamp now);
    std::vector<chat::inbound> post_in_thread(commands::arguments& args, domain::timestamp now);
    void switch_user(commands::arguments& args);
    void switch_channel(commands::arguments& args);
    void switch_to_direct_messages();
    void advance_clock(commands::arguments& args);

    std::istream& in_;
    std::ostream& out_;
    clock& clock_;
    std::string user_;
    std::string trigger_;
    std::string channel_ = "general";
    std::map<std::string, channel_state> channels_;
    std::vector<typed_message> messages_;              // index n-1 is message #n
    std::map<std::string, std::string> bot_labels_;    // message id -> "b3"
    std::map<std::string, std::string> root_channel_;  // bot message id -> channel
    std::int64_t session_ = 0;
    std::int64_t sequence_ = 0;
    int bot_posts_ = 0;
    bool stopped_ = false;
    bool time_moved_ = false;
};

}  // namespace hindsight::bot
