#include "domain/json_writer.hpp"

#include <cstdio>

namespace hindsight::domain {

std::string json_escape(std::string_view text) {
    std::string out;
    append_json_escaped(out, text);
    return out;
}

void append_json_escaped(std::string& out, std::string_view text) {
    // Copy runs of plain bytes at once; only quotes, backslashes and control bytes need work.
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
        out.append(text.substr(run, i - run));
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                    out += buffer;
                }
        }
    }
    out.append(text.substr(run));
}

void json_writer::newline() {
    out_ += '\n';
    out_.append(has_items_.size() * 2, ' ');
}

void json_writer::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (has_items_.empty()) return;
    if (has_items_.back()) out_ += ',';
    has_items_.back() = true;
    newline();
}

json_writer& json_writer::begin_object() {
    before_value();
    out_ += '{';
    has_items_.push_back(false);
    return *this;
}

json_writer& json_writer::end_object() {
    bool had_items = has_items_.back();
    has_items_.pop_back();
    if (had_items) newline();
    out_ += '}';
    return *this;
}

json_writer& json_writer::begin_array() {
    before_value();
    out_ += '[';
    has_items_.push_back(false);
    return *this;
}

json_writer& json_writer::end_array() {
    return end_object(), out_.back() = ']', *this;
}

json_writer& json_writer::key(std::string_view name) {
    before_value();
    out_ += '"';
    append_json_escaped(out_, name);
    out_ += "\": ";
    after_key_ = true;
    return *this;
}

json_writer& json_writer::value(std::string_view text) {
    before_value();
    out_ += '"';
    append_json_escaped(out_, text);
    out_ += '"';
    return *this;
}

json_writer& json_writer::value(std::int64_t number) {
    before_value();
    out_ += std::to_string(number);
    return *this;
}

json_writer& json_writer::value(bool flag) {
    before_value();
    out_ += flag ? "true" : "false";
    return *this;
}

json_writer& json_writer::null() {
    before_value();
    out_ += "null";
    return *this;
}

}  // namespace hindsight::domain
