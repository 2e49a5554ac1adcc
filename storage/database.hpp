#pragma once
// The one SQLite file: opened with WAL, foreign keys and synchronous=FULL, migrated on open.
// SQLiteCpp stays behind this header; callers see only the database and its transactions.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace SQLite {
class Database;
}

namespace hindsight::storage {

// Infrastructure failures: an unusable file, a schema from the future, a full disk. Thrown, and caught at the
// task boundary, where the user is told and the transaction has already been rolled back.
class storage_error : public std::runtime_error {
public:
    enum class kind { unusable_file, newer_schema, full, read_only, other };
    storage_error(kind k, const std::string& message) : std::runtime_error(message), kind_(k) {}
    kind what_kind() const noexcept { return kind_; }

private:
    kind kind_;
};

struct open_options {
    bool migrate = true;      // false: only check the version (for `hindsight migrate --check` and tests)
    int target_version = -1;  // -1: the latest; tests migrate step by step
    std::int64_t max_page_count = 0;  // 0: unlimited; tests use it to simulate a full disk
    // Readers (`export`) open the file read-only: never created, never migrated, never written.
    bool read_only = false;
};

class database {
public:
    explicit database(const std::string& path, open_options options = {});
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    static int latest_version();
    int schema_version();
    // Migrates up to target (or the latest). Returns the versions applied, in order.
    int migrate(int target = -1);

    // Runs body inside BEGIN IMMEDIATE … COMMIT; rolls back and rethrows on any exception. Nested calls
    // become savepoints, so one failing event in a batch does not undo the others.
    void transact(const std::function<void()>& body);
    void execute(const std::string& sql);
    void set_max_page_count(std::int64_t pages);
    std::int64_t page_count();

    SQLite::Database& handle() { return *db_; }
    const std::string& path() const { return path_; }

private:
    void check_readable_version();

    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
    int depth_ = 0;
    std::int64_t savepoint_counter_ = 0;
};

// Maps an exception from SQLite into a storage_error with words a person can act on.
[[noreturn]] void rethrow_as_storage_error(const std::exception& failure, const std::string& what);

}  // namespace hindsight::storage
