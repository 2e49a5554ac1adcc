#include "storage/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "storage/migrations.hpp"

namespace hindsight::storage {

void rethrow_as_storage_error(const std::exception& failure, const std::string& what) {
    if (auto* sqlite_failure = dynamic_cast<const SQLite::Exception*>(&failure)) {
        switch (sqlite_failure->getErrorCode()) {
            case SQLITE_FULL:
                throw storage_error(storage_error::kind::full,
                                    what + ": the database is full (disk or size limit); nothing was saved");
            case SQLITE_READONLY:
                throw storage_error(storage_error::kind::read_only,
                                    what + ": the database file is read-only; nothing was saved");
            case SQLITE_NOTADB:
            case SQLITE_CORRUPT:
                throw storage_error(storage_error::kind::unusable_file,
                                    what + ": the file is not a hindsight SQLite database");
            case SQLITE_CANTOPEN:
                throw storage_error(storage_error::kind::unusable_file,
                                    what + ": cannot open the database file");
            default:
                break;
        }
    }
    if (auto* already = dynamic_cast<const storage_error*>(&failure)) throw *already;
    throw storage_error(storage_error::kind::other, what + ": " + failure.what());
}

database::database(const std::string& path, open_options options) : path_(path) {
    try {
        auto flags = options.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
        db_ = std::make_unique<SQLite::Database>(path, flags | SQLite::OPEN_NOMUTEX);  // one thread owns it
        db_->setBusyTimeout(5000);
        // Reading the schema first turns "not a database" into a clear error before any pragma writes.
        db_->execAndGet("SELECT count(*) FROM sqlite_master");
        if (options.read_only) {
            check_readable_version();
            return;
        }
        db_->exec("PRAGMA foreign_keys = ON");
        db_->exec("PRAGMA synchronous = FULL");
        if (options.max_page_count > 0) set_max_page_count(options.max_page_count);
        std::string mode = db_->execAndGet("PRAGMA journal_mode = WAL").getString();
        (void)mode;  // ":memory:" stays in memory mode, which is fine for tests
    } catch (const storage_error&) {
        throw;
    } catch (const std::exception& failure) {
        rethrow_as_storage_error(failure, "opening " + path);
    }
    int version = schema_version();
    if (version > latest_version())
        throw storage_error(storage_error::kind::newer_schema,
                            path + " has schema version " + std::to_string(version) +
                                " but this hindsight knows only up to " + std::to_string(latest_version()) +
                                "; run a newer hindsight (the file was left untouched)");
    if (options.migrate) migrate(options.target_version);
}

void database::check_readable_version() {
    int version = schema_version();
    if (version == 0)
        throw storage_error(storage_error::kind::unusable_file,
                            path_ + " has no hindsight data (schema version 0)");
    if (version != latest_version())
        throw storage_error(storage_error::kind::newer_schema,
                            path_ + " has schema version " + std::to_string(version) +
                                " and this hindsight reads " + std::to_string(latest_version()) +
                                (version < latest_version() ? "; run `hindsight migrate` on it first"
                                                            : "; run a newer hindsight"));
}

database::~database() = default;

int database::latest_version() {
    return static_cast<int>(migrations().size());
}

int database::schema_version() {
    return db_->execAndGet("PRAGMA user_version").getInt();
}

int database::migrate(int target) {
    if (target < 0) target = latest_version();
    int version = schema_version();
    int applied = 0;
    while (version < target) {
        const auto& step = migrations()[static_cast<std::size_t>(version)];
        transact([&] {
            db_->exec(std::string(step));
            db_->exec("PRAGMA user_version = " + std::to_string(version + 1));
        });
        ++version;
        ++applied;
    }
    return applied;
}

void database::transact(const std::function<void()>& body) {
    if (depth_ > 0) {
        std::string name = "sp" + std::to_string(++savepoint_counter_);
        db_->exec("SAVEPOINT " + name);
        ++depth_;
        try {
            body();
        } catch (...) {
            --depth_;
            db_->exec("ROLLBACK TO " + name);
            db_->exec("RELEASE " + name);
            throw;
        }
        --depth_;
        db_->exec("RELEASE " + name);
        return;
    }
    try {
        db_->exec("BEGIN IMMEDIATE");
    } catch (const std::exception& failure) {
        rethrow_as_storage_error(failure, "starting a transaction");
    }
    ++depth_;
    try {
        body();
        db_->exec("COMMIT");
        --depth_;
    } catch (...) {
        --depth_;
        try {
            db_->exec("ROLLBACK");
        } catch (...) {
            // COMMIT may have failed after SQLite already rolled back on its own; nothing is left to undo.
        }
        throw;
    }
}

void database::execute(const std::string& sql) {
    db_->exec(sql);
}

void database::set_max_page_count(std::int64_t pages) {
    db_->execAndGet("PRAGMA max_page_count = " + std::to_string(pages));
}

std::int64_t database::page_count() {
    return db_->execAndGet("PRAGMA page_count").getInt64();
}

}  // namespace hindsight::storage
