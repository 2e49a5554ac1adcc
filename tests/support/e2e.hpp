#pragma once
// For the end-to-end programs that drive the real binary: a printed checklist, and counting rows in the
// database the bot wrote (read-only, next to the running bot: WAL allows it).
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <string>

namespace hindsight::testing {

struct checklist {
    int failures = 0;
    void operator()(bool ok, const std::string& what) {
        std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
        if (!ok) ++failures;
    }
};

inline std::int64_t count_rows(const std::string& db_path, const std::string& sql) {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
}

}  // namespace hindsight::testing
