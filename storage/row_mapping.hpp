#pragma once
// Column helpers shared by the stores' .cpp files; never included by anything outside storage/.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>

#include "domain/time.hpp"

namespace hindsight::storage::detail {

inline std::optional<domain::timestamp> optional_time(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return domain::from_millis(column.getInt64());
}

inline void bind_optional_time(SQLite::Statement& statement, int index,
                               const std::optional<domain::timestamp>& t) {
    if (t)
        statement.bind(index, static_cast<int64_t>(domain::to_millis(*t)));
    else
        statement.bind(index);
}

inline void bind_time(SQLite::Statement& statement, int index, domain::timestamp t) {
    statement.bind(index, static_cast<int64_t>(domain::to_millis(t)));
}

}  // namespace hindsight::storage::detail
