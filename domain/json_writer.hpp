#pragma once
// A minimal streaming JSON writer for the pure core, where nlohmann_json is not allowed. Keys are written in
// the order given, which is what makes the exports deterministic.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hindsight::domain {

class json_writer {
public:
    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view name);
    json_writer& value(std::string_view text);
    json_writer& value(const char* text) { return value(std::string_view(text)); }
    json_writer& value(std::int64_t number);
    json_writer& value(bool flag);
    json_writer& null();

    void reserve(std::size_t bytes) { out_.reserve(bytes); }
    // Text appended as is, outside the structure (a trailing newline).
    void raw(std::string_view text) { out_ += text; }
    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    void before_value();
    void newline();

    std::string out_;
    std::vector<bool> has_items_;  // one per open container
    bool after_key_ = false;
};

std::string json_escape(std::string_view text);
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace hindsight::domain
