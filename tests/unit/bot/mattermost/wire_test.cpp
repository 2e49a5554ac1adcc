// Mattermost's wire formats, with the shapes from protocols/mattermost.md: double-encoded payloads, seq,
// hello, the plain-text 429, AppErrors, slash-command forms, signed buttons, Markdown.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bot/mattermost/wire.hpp"

using namespace hindsight;
using namespace hindsight::mattermost;

namespace {

constexpr const char* posted =
    R"({"event":"posted","data":{"channel_display_name":"Incidents","channel_name":"incidents","channel_type":"P","post":"{\"id\":\"p1\",\"create_at\":1718000000000,\"update_at\":1718000000000,\"edit_at\":0,\"delete_at\":0,\"is_pinned\":false,\"user_id\":\"u1\",\"channel_id\":\"c1\",\"root_id\":\"r1\",\"original_id\":\"\",\"message\":\"!tl db is down\",\"type\":\"\",\"props\":{},\"hashtags\":\"\",\"file_ids\":[],\"pending_post_id\":\"\",\"reply_count\":0,\"last_reply_at\":0,\"participants\":null,\"metadata\":{}}","sender_name":"@alice","set_online":true,"team_id":"t1","mentions":"[\"bot\"]","otherFile":"true"},"broadcast":{"omit_users":{"x":true},"user_id":"","channel_id":"c1","team_id":"","connection_id":"","omit_connection_id":""},"seq":42})"
    "\n";

}  // namespace

TEST_CASE("posted: the post is JSON inside the JSON; private channel, thread, seq") {
    auto frame = read_ws_frame(posted, "T", "bot");
    REQUIRE(frame.what == ws_frame::kind::event);
    CHECK(frame.seq == 42);
    REQUIRE(frame.decoded);
    CHECK(frame.decoded->workspace == "T");
    CHECK(frame.decoded->dedup_key == post_key("p1"));
    auto& m = std::get<chat::message_posted>(frame.decoded->payload);
    CHECK(m.channel.id == "c1");
    CHECK(m.channel.is_private);
    CHECK_FALSE(m.channel.is_direct);
    CHECK(m.thread_root == "r1");
    CHECK(m.text == "!tl db is down");
    CHECK_FALSE(m.from_bot);
    CHECK(domain::to_millis(m.at) == 1718000000000);
}

TEST_CASE("hello, responses, reactions, edits, own posts and bad frames") {
    auto hello = read_ws_frame(
        R"({"event":"hello","data":{"server_version":"10.5.0","connection_id":"conn1"},"broadcast":{"omit_users":null,"user_id":"bot","channel_id":""},"seq":0})",
        "T", "bot");
    CHECK(hello.what == ws_frame::kind::hello);
    CHECK(hello.connection_id == "conn1");
    CHECK(hello.seq == 0);
    CHECK(read_ws_frame(R"({"status":"OK","seq_reply":5,"data":{"text":"pong"}})", "T", "bot").what ==
          ws_frame::kind::response);
    auto reaction = read_ws_frame(
        R"({"event":"reaction_added","data":{"reaction":"{\"user_id\":\"u1\",\"post_id\":\"p1\",\"emoji_name\":\"pushpin\",\"create_at\":5,\"update_at\":5,\"delete_at\":0,\"remote_id\":\"\",\"channel_id\":\"c1\"}"},"broadcast":{"channel_id":"c1"},"seq":3})",
        "T", "bot");
    REQUIRE(reaction.decoded);
    auto& r = std::get<chat::reaction_changed>(reaction.decoded->payload);
    CHECK(r.emoji == "pushpin");
    CHECK(r.added);
    CHECK(reaction.decoded->dedup_key == reaction_key(true, "p1", "u1", "pushpin", 5));
    // A pin is a post_edited without edit_at: not a message edit.
    auto pin = read_ws_frame(
        R"({"event":"post_edited","data":{"post":"{\"id\":\"p1\",\"channel_id\":\"c1\",\"edit_at\":0,\"is_pinned\":true,\"message\":\"x\"}"},"seq":4})",
        "T", "bot");
    CHECK_FALSE(pin.decoded);
    auto edit = read_ws_frame(
        R"({"event":"post_edited","data":{"post":"{\"id\":\"p1\",\"channel_id\":\"c1\",\"edit_at\":9,\"message\":\"fixed\"}"},"seq":5})",
        "T", "bot");
    REQUIRE(edit.decoded);
    CHECK(std::get<chat::message_edited>(edit.decoded->payload).text == "fixed");
    auto own = read_ws_frame(
        R"({"event":"posted","data":{"channel_type":"O","post":"{\"id\":\"p2\",\"channel_id\":\"c1\",\"user_id\":\"bot\",\"message\":\"!tl mine\",\"props\":{\"from_bot\":\"true\"}}"},"seq":6})",
        "T", "bot");
    REQUIRE(own.decoded);
    CHECK(std::get<chat::message_posted>(own.decoded->payload).from_bot);
    auto system = read_ws_frame(
        R"({"event":"posted","data":{"post":"{\"id\":\"p3\",\"channel_id\":\"c1\",\"type\":\"system_join_channel\"}"},"seq":7})",
        "T", "bot");
    CHECK_FALSE(system.decoded);
    CHECK(read_ws_frame("{not json", "T", "bot").what == ws_frame::kind::malformed);
    CHECK(read_ws_frame(R"({"event":"posted","data":{}})", "T", "bot").what == ws_frame::kind::malformed);
    auto unreadable = read_ws_frame(R"({"event":"posted","data":{"post":"{broken"},"seq":8})", "T", "bot");
    CHECK(unreadable.what == ws_frame::kind::event);
    CHECK_FALSE(unreadable.decoded);
}

TEST_CASE("REST replies: a 429 is plain text with relative reset seconds; AppErrors name their cause") {
    auto limited = read_reply(429, "limit exceeded\n", "", "3");
    CHECK(limited.status == api_reply::verdict::retry);
    CHECK(limited.retry_after == std::chrono::seconds{3});
    CHECK(read_reply(429, "limit exceeded\n", "2", "9").retry_after == std::chrono::seconds{2});
    CHECK(read_reply(429, "", "", "").retry_after == std::chrono::seconds{1});
    CHECK(read_reply(503, "", "", "").status == api_reply::verdict::retry);
    auto forbidden = read_reply(
        403,
        R"({"id":"api.context.permissions.app_error","message":"You do not have the appropriate permissions.","status_code":403})",
        "", "");
    CHECK(forbidden.status == api_reply::verdict::rejected);
    CHECK(forbidden.error == "api.context.permissions.app_error");
    CHECK(read_reply(401, "{}", "", "").explanation.find("MATTERMOST_TOKEN") != std::string::npos);
    CHECK(read_reply(201, "{}", "", "").status == api_reply::verdict::ok);
}

TEST_CASE("slash command form, token header, response") {
    std::map<std::string, std::string> fields{
        {"command", "/incident"}, {"channel_id", "c1"}, {"channel_name", "u1__u2"}, {"user_id", "u1"},
        {"team_id", "t1"},        {"text", " status "}, {"trigger_id", "tr1"}};
    auto command = decode_slash_command(fields, "incident", domain::from_millis(0));
    REQUIRE(command);
    auto& c = std::get<chat::command_invoked>(command->payload);
    CHECK(c.text == "status");
    CHECK(c.channel.is_direct);
    CHECK(command->dedup_key == "cmd:tr1");
    fields["command"] = "/other";
    CHECK_FALSE(decode_slash_command(fields, "incident", domain::from_millis(0)));
    CHECK(command_token_from_header("Token abc") == "abc");
    CHECK(command_token_from_header("Bearer abc").empty());
    CHECK(command_response("") == "{}");
}

TEST_CASE("buttons are signed; a forged or altered context is refused") {
    std::vector<chat::button> buttons{{"Done A-1", "done A-1"}};
    auto body = create_post_body("c1", "text", "", "k1", "", buttons,
                                 {"https://h.example/mattermost/actions", "secret"});
    CHECK(body.find("https://h.example/mattermost/actions") != std::string::npos);
    auto signature = action_signature("secret", "done A-1", "c1");
    CHECK(body.find(signature) != std::string::npos);
    auto request = [&](const std::string& command, const std::string& sig) {
        return R"({"user_id":"u1","channel_id":"c1","team_id":"t1","post_id":"p1","trigger_id":"tr","type":"button","context":{"command":")" +
               command + R"(","signature":")" + sig + R"("}})";
    };
    auto ok = decode_action(request("done A-1", signature), "secret", domain::from_millis(0));
    REQUIRE(ok);
    REQUIRE(ok->event);
    CHECK_FALSE(ok->dialog);
    CHECK(std::get<chat::command_invoked>(ok->event->payload).text == "done A-1");
    CHECK(decode_action(request("done A-2", signature), "secret", domain::from_millis(0)).failure().code ==
          errc::forbidden);
    CHECK(decode_action(request("done A-1", std::string(64, '0')), "secret", domain::from_millis(0))
              .failure()
              .code == errc::forbidden);
    CHECK(decode_action(request("done A-1", signature), "", domain::from_millis(0)).failure().code ==
          errc::forbidden);
    // The same command and signature from another channel: refused.
    auto elsewhere = request("done A-1", signature);
    elsewhere.replace(elsewhere.find("\"c1\""), 4, "\"c2\"");
    CHECK(decode_action(elsewhere, "secret", domain::from_millis(0)).failure().code == errc::forbidden);
    CHECK(decode_action("{broken", "secret", domain::from_millis(0)).failure().code == errc::bad_input);
    // Without an actions URL there are no buttons.
    CHECK(create_post_body("c1", "text", "", "", "", buttons, {}).find("attachments") == std::string::npos);
}

TEST_CASE("Markdown: bold and strike doubled outside code") {
    CHECK(to_mattermost_text("*INC-1* is ~old~ `a*b` done") == "**INC-1** is ~~old~~ `a*b` done");
}

TEST_CASE("a button with a prompt opens a dialog; the signed state turns its submission into the command") {
    std::vector<chat::button> buttons{{"Answer", "why", "Why did it happen?"}};
    button_target target{"https://h.example/mattermost/actions", "secret"};
    auto post = nlohmann::json::parse(create_post_body("c1", "Why 1?", "", "k1", "", buttons, target));
    auto context = post["props"]["attachments"][0]["actions"][0]["integration"]["context"];
    CHECK(context["prompt"] == "Why did it happen?");
    CHECK(context["command"] == "why");
    nlohmann::json click{{"user_id", "u1"},     {"channel_id", "c1"}, {"team_id", "t1"},   {"post_id", "p1"},
                         {"trigger_id", "tr1"}, {"type", "button"},   {"context", context}};
    auto opened = decode_action(click.dump(), "secret", domain::from_millis(0));
    REQUIRE(opened);
    REQUIRE(opened->dialog);
    CHECK_FALSE(opened->event);
    CHECK(opened->dialog->command == "why");
    CHECK(opened->dialog->title == "Answer");
    CHECK(opened->dialog->user == "u1");
    opened->dialog->expires_at_ms = 10000;
    opened->dialog->nonce = "n1";
    auto dialog = nlohmann::json::parse(open_dialog_body(*opened->dialog, target.actions_url, "secret"));
    CHECK(dialog["trigger_id"] == "tr1");
    CHECK(dialog["url"] == "https://h.example/mattermost/actions");
    CHECK(dialog["dialog"]["elements"][0]["name"] == "text");
    CHECK(dialog["dialog"]["elements"][0]["help_text"] == "Why did it happen?");
    auto state = dialog["dialog"]["state"].get<std::string>();
    // What the server POSTs to the url on submit (SubmitDialogRequest).
    nlohmann::json submit{{"type", "dialog_submission"},
                          {"callback_id", "hindsight:form"},
                          {"state", state},
                          {"user_id", "u1"},
                          {"channel_id", "c1"},
                          {"team_id", "t1"},
                          {"submission", {{"text", "the cache expired"}}},
                          {"cancelled", false}};
    auto submitted = decode_action(submit.dump(), "secret", domain::from_millis(5));
    REQUIRE(submitted);
    REQUIRE(submitted->event);
    auto& c = std::get<chat::command_invoked>(submitted->event->payload);
    CHECK(c.text == "why the cache expired");
    CHECK(c.user == "u1");
    CHECK(c.channel.id == "c1");
    CHECK(submitted->event->dedup_key == "dlg:n1");  // a replay is the same inbox row
    // Only the person it was opened for, and only before it expires.
    submit["user_id"] = "u2";
    CHECK(decode_action(submit.dump(), "secret", domain::from_millis(5)).failure().code == errc::forbidden);
    submit["user_id"] = "u1";
    CHECK(decode_action(submit.dump(), "secret", domain::from_millis(10001)).failure().code ==
          errc::forbidden);
    // Another channel in the request changes nothing: the signed state names the channel.
    submit["channel_id"] = "c2";
    CHECK(std::get<chat::command_invoked>(
              decode_action(submit.dump(), "secret", domain::from_millis(5))->event->payload)
              .channel.id == "c1");
    // An altered state, or a button's context passed off as a state, is refused.
    auto altered = nlohmann::json::parse(state);
    altered["command"] = "wontdo A-1";
    submit["state"] = altered.dump();
    CHECK(decode_action(submit.dump(), "secret", domain::from_millis(5)).failure().code == errc::forbidden);
    nlohmann::json as_button{
        {"command", "why"}, {"channel", "c1"}, {"signature", action_signature("secret", "why", "c1")}};
    submit["state"] = as_button.dump();
    CHECK(decode_action(submit.dump(), "secret", domain::from_millis(5)).failure().code == errc::forbidden);
    submit["state"] = "not json";
    CHECK(decode_action(submit.dump(), "secret", domain::from_millis(5)).failure().code == errc::forbidden);
    nlohmann::json cancelled{{"type", "dialog_submission"}, {"cancelled", true}, {"user_id", "u2"}};
    auto closed = decode_action(cancelled.dump(), "secret", domain::from_millis(5));
    REQUIRE(closed);
    CHECK_FALSE(closed->event);
    CHECK_FALSE(closed->dialog);
}

TEST_CASE("post patch keeps buttons, channel create and member bodies") {
    auto plain = nlohmann::json::parse(patch_post_body("c1", "**INC-1** resolved", {}, {"https://h/a", "k"}));
    CHECK(plain["message"] == "**INC-1** resolved");
    CHECK_FALSE(plain.contains("props"));  // the post's props stay as they are
    auto with_buttons =
        nlohmann::json::parse(patch_post_body("c1", "x", {{"Done A-1", "done A-1"}}, {"https://h/a", "k"}));
    CHECK(with_buttons["props"]["from_bot"] == "true");
    CHECK(with_buttons["props"]["attachments"][0]["actions"][0]["name"] == "Done A-1");
    auto channel = nlohmann::json::parse(create_channel_body("t1", "inc-20261127-db-down", false));
    CHECK(channel["team_id"] == "t1");
    CHECK(channel["type"] == "O");
    CHECK(nlohmann::json::parse(create_channel_body("t1", "x", true))["type"] == "P");
    CHECK(nlohmann::json::parse(channel_member_body("u1"))["user_id"] == "u1");
}

TEST_CASE("user_added: who was added to which channel; channel_created is ours and ignored") {
    auto added = read_ws_frame(
        R"({"event":"user_added","data":{"team_id":"t1","user_id":"u1"},"broadcast":{"omit_users":null,"user_id":"","channel_id":"c1","team_id":"","connection_id":"","omit_connection_id":""},"seq":12})",
        "t1", "bot");
    REQUIRE(added.decoded);
    auto& j = std::get<chat::member_joined>(added.decoded->payload);
    CHECK(j.user == "u1");
    CHECK(j.channel.id == "c1");
    CHECK(added.decoded->dedup_key == "joined:c1:u1:12");
    auto older = read_ws_frame(
        R"({"event":"user_added","data":{"user":{"id":"u2","username":"bob"}},"broadcast":{"channel_id":"c1"},"seq":13})",
        "t1", "bot");
    REQUIRE(older.decoded);
    CHECK(std::get<chat::member_joined>(older.decoded->payload).user == "u2");
    auto created = read_ws_frame(
        R"({"event":"channel_created","data":{"channel_id":"c2","team_id":"t1"},"broadcast":{"user_id":"bot"},"seq":14})",
        "t1", "bot");
    CHECK_FALSE(created.decoded);
}

namespace {

// A PostList of n posts created one second apart from `first_ms`, newest first (the server's order).
std::string post_list(int n, std::int64_t first_ms) {
    nlohmann::json order = nlohmann::json::array(), posts = nlohmann::json::object();
    for (int i = n - 1; i >= 0; --i) {
        auto id = "p" + std::to_string(i);
        order.push_back(id);
        posts[id] = {{"id", id},
                     {"create_at", first_ms + i * 1000},
                     {"update_at", first_ms + i * 1000},
                     {"delete_at", 0},
                     {"edit_at", 0},
                     {"user_id", "u1"},
                     {"channel_id", "c1"},
                     {"root_id", ""},
                     {"message", "m" + std::to_string(i)},
                     {"type", ""},
                     {"props", nlohmann::json::object()}};
    }
    return nlohmann::json{{"order", order}, {"posts", posts}, {"next_post_id", ""}, {"prev_post_id", ""}}
        .dump();
}

}  // namespace

TEST_CASE("history: since= first, pages of 200 only when the server's 1000 were not enough") {
    constexpr std::int64_t since = 1718000000000;
    CHECK(history_request_path("c1", "", since) == "/channels/c1/posts?since=1717999999999");
    CHECK(history_request_path("c1", "page:3", since) == "/channels/c1/posts?page=3&per_page=200");
    // Below the limit the since= answer is the whole window.
    CHECK(next_history_cursor(post_list(999, since), "", since) == std::string());
    CHECK(next_history_cursor(post_list(1000, since), "", since) == std::string("page:0"));
    // A full page still inside the window asks for the next one; a short page, or one reaching before the
    // window, is the end.
    CHECK(next_history_cursor(post_list(200, since), "page:0", since) == std::string("page:1"));
    CHECK(next_history_cursor(post_list(200, since - 5000), "page:4", since) == std::string());
    CHECK(next_history_cursor(post_list(150, since), "page:4", since) == std::string());
    CHECK_FALSE(next_history_cursor("{\"id\":\"api.context.404.app_error\"}", "", since));
    CHECK_FALSE(next_history_cursor("not json", "page:1", since));
}

TEST_CASE("history: posts created before the window are left out, with their reactions") {
    constexpr std::int64_t since = 1718000000000;
    auto body = nlohmann::json::parse(post_list(4, since - 2000));
    body["posts"]["p0"]["metadata"] = {
        {"reactions",
         {{{"user_id", "u2"}, {"post_id", "p0"}, {"emoji_name", "pushpin"}, {"create_at", since}}}}};
    body["posts"]["p3"]["metadata"] = {
        {"reactions",
         {{{"user_id", "u2"}, {"post_id", "p3"}, {"emoji_name", "pushpin"}, {"create_at", since}}}}};
    auto events = read_posts_since(body.dump(), {"c1"}, "T", "bot", nullptr, since);
    // p0 and p1 are older than the window; p2, p3 and p3's reaction remain, oldest first.
    REQUIRE(events.size() == 3);
    CHECK(std::get<chat::message_posted>(events[0].payload).message_id == "p2");
    CHECK(std::get<chat::message_posted>(events[1].payload).message_id == "p3");
    CHECK(std::get<chat::reaction_changed>(events[2].payload).message_id == "p3");
}
