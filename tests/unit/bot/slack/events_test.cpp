// Payloads below are Slack's own shapes, from the SDK fixtures cited in protocols/slack.md (bolt-python's
// scenario tests, python-slack-sdk's signature test).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bot/slack/events.hpp"
#include "bot/slack/web_api.hpp"

using namespace hindsight;
using namespace hindsight::slack;

namespace {

const bot_identity self{"UBOT", "BBOT"};

std::string wrap(const std::string& event, const std::string& id = "Ev111") {
    return R"({"token":"verification-token","team_id":"T111","enterprise_id":"E111","api_app_id":"A111","event":)" +
           event + R"(,"type":"event_callback","event_id":")" + id +
           R"(","event_time":1665102362,"authorizations":[{"enterprise_id":"E-auth","team_id":"T-auth","user_id":"U-auth","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"1-message-T-auth-C111"})";
}

template <class T>
T event_of(const std::string& body) {
    auto decoded = decode_events_api(body, self);
    REQUIRE(decoded);
    REQUIRE(decoded->what == decoded_payload::kind::event);
    CHECK(decoded->event->workspace == "T111");
    return std::get<T>(decoded->event->payload);
}

}  // namespace

TEST_CASE("url_verification answers with the challenge") {
    auto decoded = decode_events_api(
        R"({"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})",
        self);
    REQUIRE(decoded);
    CHECK(decoded->what == decoded_payload::kind::url_verification);
    CHECK(decoded->challenge == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

TEST_CASE("messages: plain, thread replies, broadcasts, bots and our own") {
    auto plain = event_of<chat::message_posted>(wrap(
        R"({"client_msg_id":"968c94da-c271-4f2a-8ec9-12a9985e5df4","type":"message","text":"Hi there! Thanks for sharing the info!","user":"W111","ts":"1610261659.001400","team":"T111","channel":"C111","event_ts":"1610261659.001400","channel_type":"channel"})"));
    CHECK(plain.channel.id == "C111");
    CHECK_FALSE(plain.channel.is_private);
    CHECK(plain.message_id == "1610261659.001400");
    CHECK(plain.thread_root.empty());
    CHECK(plain.user == "W111");
    CHECK(domain::to_millis(plain.at) == 1610261659001);
    CHECK_FALSE(plain.from_bot);

    auto broadcast = event_of<chat::message_posted>(wrap(
        R"({"type":"message","subtype":"thread_broadcast","text":"Hi there!","user":"U111","ts":"1633670813.007500","thread_ts":"1633663824.000500","root":{"type":"message","text":"Write in the thread :bow:","user":"U111","ts":"1633663824.000500"},"client_msg_id":"111-222-333-444-666","channel":"C111","event_ts":"1633670813.007500","channel_type":"channel"})"));
    CHECK(broadcast.thread_root == "1633663824.000500");

    auto classic_bot = event_of<chat::message_posted>(wrap(
        R"({"type":"message","subtype":"bot_message","text":"Hi there!","ts":"1610262363.001600","username":"classic-bot","bot_id":"B888","channel":"C111","event_ts":"1610262363.001600","channel_type":"channel"})"));
    CHECK(classic_bot.from_bot);
    // Our own posts come back without a subtype.
    auto ours = event_of<chat::message_posted>(wrap(
        R"({"type":"message","text":"INC-1 declared","user":"UBOT","bot_id":"BBOT","ts":"1610262364.001700","channel":"G111","channel_type":"group"})"));
    CHECK(ours.from_bot);
    CHECK(ours.channel.is_private);
    auto dm = event_of<chat::message_posted>(wrap(
        R"({"type":"message","text":"actions mine","user":"U1","ts":"1610262365.000100","channel":"D111","channel_type":"im"})"));
    CHECK(dm.channel.is_direct);
}

TEST_CASE("edits, deletions and reactions") {
    auto edit = event_of<chat::message_edited>(wrap(
        R"({"type":"message","subtype":"message_changed","message":{"type":"message","text":"updated message","user":"U111","team":"T111","edited":{"user":"U111","ts":"1665102362.000000"}},"previous_message":{"type":"message","text":"original message","user":"U222","team":"T111","ts":"1665102338.901939"},"channel":"C111","hidden":true,"ts":"1665102362.013600","event_ts":"1665102362.013600","channel_type":"channel"})"));
    CHECK(edit.message_id == "1665102338.901939");  // the edited message, not the change event
    CHECK(edit.text == "updated message");
    auto unfurl = decode_events_api(
        wrap(
            R"({"type":"message","subtype":"message_changed","message":{"type":"message","text":"same","ts":"1.2"},"previous_message":{"type":"message","text":"same","ts":"1.2"},"channel":"C111","ts":"3.4","channel_type":"channel"})"),
        self);
    REQUIRE(unfurl);
    CHECK(unfurl->what == decoded_payload::kind::ignored);

    auto deleted = event_of<chat::message_deleted>(wrap(
        R"({"type":"message","subtype":"message_deleted","previous_message":{"type":"message","text":"Delete this message","user":"U111","team":"T111","ts":"1665368619.804829"},"channel":"C111","hidden":true,"deleted_ts":"1665368619.804829","event_ts":"1665368629.007100","ts":"1665368629.007100","channel_type":"channel"})"));
    CHECK(deleted.message_id == "1665368619.804829");

    auto reaction = event_of<chat::reaction_changed>(wrap(
        R"({"type":"reaction_added","user":"W111","item":{"type":"message","channel":"C111","ts":"1599529504.000400"},"reaction":"pushpin","item_user":"W111","event_ts":"1599616881.000800"})"));
    CHECK(reaction.added);
    CHECK(reaction.channel.id == "C111");
    CHECK(reaction.message_id == "1599529504.000400");
    CHECK(reaction.emoji == "pushpin");
    auto removed = event_of<chat::reaction_changed>(wrap(
        R"({"type":"reaction_removed","user":"W111","item":{"type":"message","channel":"C111","ts":"1599529504.000400"},"reaction":"pushpin::skin-tone-2","event_ts":"1599616882.000800"})",
        "Ev222"));
    CHECK_FALSE(removed.added);
}

TEST_CASE("what is not ours to handle is ignored with a reason, and broken bodies are errors") {
    auto mention = decode_events_api(
        wrap(
            R"({"type":"app_mention","text":"<@W111> Hi there!","user":"W222","ts":"1595926230.009600","team":"T111","channel":"C111","event_ts":"1595926230.009600"})"),
        self);
    REQUIRE(mention);
    CHECK(mention->what == decoded_payload::kind::ignored);
    auto file_reaction = decode_events_api(
        wrap(
            R"({"type":"reaction_added","user":"W1","item":{"type":"file","file":"F1"},"reaction":"pushpin","event_ts":"1.2"})"),
        self);
    REQUIRE(file_reaction);
    CHECK(file_reaction->what == decoded_payload::kind::ignored);
    auto limited = decode_events_api(
        R"({"token":"x","type":"app_rate_limited","team_id":"T123456","minute_rate_limited":1518467820,"api_app_id":"A123456"})",
        self);
    REQUIRE(limited);
    CHECK(limited->what == decoded_payload::kind::rate_limited);

    CHECK_FALSE(decode_events_api("{not json", self));
    CHECK_FALSE(decode_events_api("[1,2]", self));
    CHECK_FALSE(decode_events_api(R"({"type":"event_callback","team_id":"T1"})", self));
    CHECK_FALSE(decode_events_api(wrap(R"({"type":"message","text":"no ts","channel":"C1"})"), self));
    CHECK_FALSE(decode_events_api(wrap(R"({"type":"reaction_added","user":"U1","item":"C1"})"), self));
}

TEST_CASE("slash commands from the form Slack posts") {
    auto fields = parse_form(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
        "channel_name="
        "privategroup&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fincident&text=start+DB+down+%3C%"
        "21channel%3E+"
        "sev1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%"
        "2F96rGlfmibIGlgcZRskXaIFfN"
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
    REQUIRE(fields);
    CHECK(fields->at("text") == "start DB down <!channel> sev1");
    auto command = decode_slash_command(*fields, "incident", domain::from_millis(1531420618000));
    REQUIRE(command);
    CHECK(command->workspace == "T1DC2JH3J");
    CHECK(command->dedup_key == "cmd:398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
    auto& c = std::get<chat::command_invoked>(command->payload);
    CHECK(c.channel.id == "G8PSS9T3V");
    CHECK(c.channel.is_private);
    CHECK(c.user == "U2CERLKJA");
    CHECK(c.text == "start DB down <!channel> sev1");

    CHECK_FALSE(decode_slash_command(*fields, "other", {}));
    CHECK_FALSE(parse_form("a=%zz"));
    CHECK_FALSE(parse_form("a=%2"));
    CHECK(parse_form("a=1&&b=&c")->size() == 3);
}

TEST_CASE("Slack timestamps and mrkdwn escaping") {
    CHECK(domain::to_millis(*parse_ts("1503435956.000247")) == 1503435956000);
    CHECK(domain::to_millis(*parse_ts("1503435956.9")) == 1503435956900);
    CHECK(domain::to_millis(*parse_ts("1503435956")) == 1503435956000);
    CHECK_FALSE(parse_ts("abc"));
    CHECK_FALSE(parse_ts("12.x4"));
    CHECK(escape_mrkdwn("<!channel> & <@U1> > x") == "&lt;!channel&gt; &amp; &lt;@U1&gt; &gt; x");
}

TEST_CASE("a click on one of our buttons is the command in its value; other interactions are ignored") {
    // Shape of a block_actions payload as in java-slack-sdk's BlockActionPayload fixtures.
    auto click = decode_interaction(
        R"({"type":"block_actions","team":{"id":"T1","domain":"acme"},"user":{"id":"U1","username":"alice","team_id":"T1"},"api_app_id":"A1","trigger_id":"111.222.abc","container":{"type":"message","message_ts":"1700000000.000100","channel_id":"D1"},"channel":{"id":"D1","name":"directmessage"},"actions":[{"type":"button","action_id":"hindsight:0","block_id":"b1","text":{"type":"plain_text","text":"Done A-3"},"value":"done A-3","action_ts":"1700000001.000200"}]})",
        domain::from_millis(0));
    REQUIRE(click);
    REQUIRE(click->what == decoded_payload::kind::event);
    CHECK(click->event->workspace == "T1");
    CHECK(click->event->dedup_key == "btn:111.222.abc");
    auto& c = std::get<chat::command_invoked>(click->event->payload);
    CHECK(c.text == "done A-3");
    CHECK(c.user == "U1");
    CHECK(c.channel.id == "D1");
    CHECK(c.channel.is_direct);
    auto other = decode_interaction(
        R"({"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"channel":{"id":"C1"},"actions":[{"action_id":"someone_else","value":"x"}]})",
        domain::from_millis(0));
    REQUIRE(other);
    CHECK(other->what == decoded_payload::kind::ignored);
    CHECK(decode_interaction(R"({"type":"view_closed"})", domain::from_millis(0))->what ==
          decoded_payload::kind::ignored);
    CHECK_FALSE(decode_interaction("{broken", domain::from_millis(0)));
    // The message body carries the buttons in an actions block, the text in a section and as the fallback.
    auto body = post_message_body("D1", "Your weekly action items", "", {{"Done A-3", "done A-3"}});
    CHECK(body.find(R"("type":"actions")") != std::string::npos);
    CHECK(body.find(R"("value":"done A-3")") != std::string::npos);
    CHECK(body.find(R"("text":"Your weekly action items")") != std::string::npos);
    CHECK(post_message_body("C1", "x", "").find("blocks") == std::string::npos);
}

TEST_CASE("an ask button opens a modal; its submission is the command with the text typed") {
    auto body = post_message_body("C1", "Why 1 for factor 1?", "1700000000.000100",
                                  {{"Answer", "why", "Why did it happen?"}, {"End this chain", "why done"}});
    CHECK(body.find(R"("action_id":"hindsight:ask:0")") != std::string::npos);
    CHECK(body.find(R"("value":"why\nWhy did it happen?")") != std::string::npos);
    CHECK(body.find(R"("action_id":"hindsight:1")") != std::string::npos);
    auto click = decode_interaction(
        R"({"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1","team_id":"T1"},"trigger_id":"13345224609.738474920.8088930838d88f008e0","container":{"type":"message","message_ts":"1700000000.000200","channel_id":"C1","thread_ts":"1700000000.000100"},"channel":{"id":"C1","name":"inc-1"},"actions":[{"type":"button","action_id":"hindsight:ask:0","text":{"type":"plain_text","text":"Answer"},"value":"why\nWhy did it happen?","action_ts":"1700000001.000200"}]})",
        domain::from_millis(0));
    REQUIRE(click);
    REQUIRE(click->what == decoded_payload::kind::open_form);
    const auto& form = *click->form;
    CHECK(form.trigger_id == "13345224609.738474920.8088930838d88f008e0");
    CHECK(form.command == "why");
    CHECK(form.prompt == "Why did it happen?");
    CHECK(form.title == "Answer");
    CHECK(form.channel == "C1");
    CHECK(form.thread_root == "1700000000.000100");
    auto view = nlohmann::json::parse(open_form_body(form));
    CHECK(view["trigger_id"] == form.trigger_id);
    CHECK(view["view"]["type"] == "modal");
    CHECK(view["view"]["callback_id"] == "hindsight:form");
    CHECK(view["view"]["blocks"][0]["block_id"] == "answer");
    CHECK(view["view"]["blocks"][0]["label"]["text"] == "Why did it happen?");
    auto metadata = view["view"]["private_metadata"].get<std::string>();
    // The submission, shaped like the SDK fixtures' view_submission, carrying back what views.open set.
    nlohmann::json submission{
        {"type", "view_submission"},
        {"team", {{"id", "T1"}, {"domain", "acme"}}},
        {"user", {{"id", "U2"}, {"team_id", "T1"}}},
        {"view",
         {{"id", "V111"},
          {"type", "modal"},
          {"callback_id", "hindsight:form"},
          {"private_metadata", metadata},
          {"state",
           {{"values",
             {{"answer",
               {{"text", {{"type", "plain_text_input"}, {"value", "the cache <!channel> expired"}}}}}}}}},
          {"hash", "156772938.1827394"}}}};
    auto submitted = decode_interaction(submission.dump(), domain::from_millis(0));
    REQUIRE(submitted);
    REQUIRE(submitted->what == decoded_payload::kind::event);
    CHECK(submitted->event->dedup_key == "view:V111");
    auto& c = std::get<chat::command_invoked>(submitted->event->payload);
    CHECK(c.text == "why the cache <!channel> expired");
    CHECK(c.user == "U2");
    CHECK(c.channel.id == "C1");
    CHECK(c.channel.is_private);
    CHECK(c.thread_root == "1700000000.000100");
    submission["view"]["callback_id"] = "someone_else";
    CHECK(decode_interaction(submission.dump(), domain::from_millis(0))->what ==
          decoded_payload::kind::ignored);
    submission["view"]["callback_id"] = "hindsight:form";
    submission["view"]["private_metadata"] = "not json";
    CHECK_FALSE(decode_interaction(submission.dump(), domain::from_millis(0)));
}

TEST_CASE("chat.update, conversations.create and conversations.invite bodies; created channel ids") {
    auto update =
        nlohmann::json::parse(update_message_body("C1", "1700000000.000100", "*INC-1* resolved", {}));
    CHECK(update["channel"] == "C1");
    CHECK(update["ts"] == "1700000000.000100");
    CHECK(update["text"] == "*INC-1* resolved");
    CHECK_FALSE(update.contains("blocks"));
    auto create = nlohmann::json::parse(create_channel_body("inc-20261127-db-down", true));
    CHECK(create["name"] == "inc-20261127-db-down");
    CHECK(create["is_private"] == true);
    CHECK(nlohmann::json::parse(invite_body("C9", "U1"))["users"] == "U1");
    // conversations.create's reply as in the API docs.
    auto reply = read_reply(
        200,
        R"({"ok":true,"channel":{"id":"C0EAQDV4Z","name":"endeavor","is_channel":true,"created":1504554479}})",
        "");
    CHECK(reply.status == api_reply::verdict::ok);
    CHECK(reply.channel_id == "C0EAQDV4Z");
    auto taken = read_reply(200, R"({"ok":false,"error":"name_taken"})", "");
    CHECK(taken.status == api_reply::verdict::rejected);
    CHECK(taken.error == "name_taken");
}

TEST_CASE("permalinks in Slack's documented form; conversations.info tells private from public") {
    CHECK(permalink("https://acme.slack.com/", "C1H9RESGA", "1358546515.000008", "") ==
          "https://acme.slack.com/archives/C1H9RESGA/p1358546515000008");
    CHECK(permalink("https://acme.slack.com", "C1", "1700000000.000200", "1700000000.000100") ==
          "https://acme.slack.com/archives/C1/p1700000000000200?thread_ts=1700000000.000100&cid=C1");
    CHECK(permalink("", "C1", "1.2", "").empty());
    CHECK(
        read_permalink(
            R"({"ok":true,"channel":"C1H9RESGA","permalink":"https://ghostbusters.slack.com/archives/C1H9RESGA/p135854651500008"})") ==
        "https://ghostbusters.slack.com/archives/C1H9RESGA/p135854651500008");
    CHECK_FALSE(read_permalink(R"({"ok":false,"error":"channel_not_found"})"));
    auto open = read_conversation_info(
        R"({"ok":true,"channel":{"id":"C012AB3CD","name":"general","is_channel":true,"is_group":false,"is_im":false,"is_mpim":false,"is_private":false}})");
    REQUIRE(open);
    CHECK_FALSE(open->is_private);
    auto closed = read_conversation_info(
        R"({"ok":true,"channel":{"id":"C012AB3CE","is_channel":true,"is_private":true}})");
    REQUIRE(closed);
    CHECK(closed->is_private);
    auto im = read_conversation_info(R"({"ok":true,"channel":{"id":"D1","is_im":true}})");
    REQUIRE(im);
    CHECK(im->is_direct);
    CHECK(im->is_private);
    CHECK(read_conversation_info(R"({"ok":true,"channel":{"id":"X"}})")->is_private);  // unknown shape
    CHECK_FALSE(read_conversation_info(R"({"ok":false,"error":"channel_not_found"})"));
}

TEST_CASE("member_joined_channel: who joined where; C is public, anything else private") {
    auto joined = decode_event_callback(
        R"({"team_id":"T111","event_id":"Ev1","type":"event_callback","event":{"type":"member_joined_channel","user":"W23456789","channel":"C111","channel_type":"C","team":"T111","inviter":"U222","event_ts":"1599616881.000800"}})",
        {"UBOT", "BBOT"});
    REQUIRE(joined);
    REQUIRE(joined->what == decoded_payload::kind::event);
    auto& j = std::get<chat::member_joined>(joined->event->payload);
    CHECK(j.user == "W23456789");
    CHECK(j.channel.id == "C111");
    CHECK_FALSE(j.channel.is_private);
    CHECK(joined->event->dedup_key == "Ev1");
    auto secret = decode_event_callback(
        R"({"team_id":"T111","event_id":"Ev2","type":"event_callback","event":{"type":"member_joined_channel","user":"UBOT","channel":"G111","channel_type":"G","event_ts":"1599616881.000900"}})",
        {"UBOT", "BBOT"});
    REQUIRE(secret);
    CHECK(std::get<chat::member_joined>(secret->event->payload).channel.is_private);
}
