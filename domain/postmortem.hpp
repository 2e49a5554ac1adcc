#pragma once
// The postmortem document of SPEC §5, rendered from an incident record. Deterministic: the same record
// and the same names give byte-identical output, so exports can live in a repository and diff cleanly.
#include <functional>
#include <string>

#include "domain/model.hpp"

namespace hindsight::domain {

// Maps a user id to the name shown in the document ("alice"); the renderer prefixes "@".
using name_lookup = std::function<std::string(const std::string& user_id)>;

// Asks each user's name once per render: a timeline of thousands of entries has a few dozen authors.
name_lookup remember_names(name_lookup lookup);

// max_whys (review.max_whys) tells an open branch from one that reached the deepest "why".
std::string render_postmortem_markdown(const incident_record& record, const name_lookup& name_of,
                                       int max_whys = 5);
std::string render_postmortem_json(const incident_record& record, const name_lookup& name_of,
                                   int max_whys = 5);

// An open action item past its due date on the record's as_of day.
bool is_overdue(const action_item& a, const std::optional<civil_date>& as_of);

// Escapes inline text of a heading, paragraph or list item so it cannot change the document's structure.
std::string markdown_text(std::string_view text);
// Escapes text for one GitHub table cell: pipes, line breaks and raw HTML.
std::string markdown_cell(std::string_view text);
// Escapes text for a quoted Mermaid node label and keeps it short enough to draw.
std::string mermaid_label(std::string_view text);

}  // namespace hindsight::domain
