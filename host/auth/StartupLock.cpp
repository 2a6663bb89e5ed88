#include "auth/StartupLock.h"

#include "plugins/PluginErrors.h"

#include <string_view>

namespace jiffy::host::auth {
namespace {

/// The advisory lock's key: arbitrary, distinct from the models migrator's.
const long long kPgStartupLock = 0x6a69666679417574LL; // "jiffyAut"
const char* kMysqlStartupLock = "jiffy_auth_startup";

} // namespace

void withStartupLock(const DbInstance& db, const std::function<void(AuthStore&)>& work)
{
    const std::string_view dialect = db.dialect().name ? db.dialect().name : "";
    const bool dollar = db.dialect().placeholder == JIFFY_PLACEHOLDER_DOLLAR;
    jiffy_db_conn* conn = nullptr;
    CallError beginErr;
    const jiffy_status began = db.begin(&conn, beginErr.get());
    if (began == JIFFY_UNSUPPORTED) {
        // A plugin without transactions: nothing to lock with; the steps are idempotent.
        AuthStore store(db);
        work(store);
        return;
    }
    checkStatus(began, beginErr, db.label() + " begin (startup lock)");
    bool named = false;
    try {
        if (dialect == "postgres") {
            db.execute(std::string("SELECT pg_advisory_xact_lock(") + (dollar ? "$1" : "?") + ")", {kPgStartupLock}, {},
                       conn);
        } else if (dialect == "mysql") {
            long long got = 0;
            db.execute(
                "SELECT GET_LOCK(?, ?)", {kMysqlStartupLock, static_cast<long long>(kStartupLockWaitS)},
                [&](const jiffy::ValuesView& r) { got = r.getInt(0); }, conn);
            if (got != 1)
                throw PluginCallError(JIFFY_TIMEOUT, "another instance has held the startup lock " +
                                                         std::string(kMysqlStartupLock) + " for " +
                                                         std::to_string(kStartupLockWaitS) + " s");
            named = true;
            // The named lock belongs to the session: end the transaction now so
            // every statement below commits before the lock is released.
            db.execute("COMMIT", {}, {}, conn);
        }
        AuthStore store(db, conn);
        work(store);
        if (named) {
            named = false;
            db.execute("SELECT RELEASE_LOCK(?)", {kMysqlStartupLock}, {}, conn);
        }
    } catch (...) {
        if (named) {
            try {
                db.execute("SELECT RELEASE_LOCK(?)", {kMysqlStartupLock}, {}, conn);
            } catch (...) {
                // a lost session released it anyway
            }
        }
        CallError err;
        db.rollback(conn, err.get());
        throw;
    }
    CallError commitErr;
    checkStatus(db.commit(conn, commitErr.get()), commitErr, db.label() + " commit (startup lock)");
}

} // namespace jiffy::host::auth
