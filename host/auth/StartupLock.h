// Instances started together on one database take turns creating the auth
// tables and bootstrapping (route auths, group Super, user admin): the work
// runs on one pooled connection that holds a database-wide lock.
//   PostgreSQL  pg_advisory_xact_lock in a transaction (released at its end)
//   MySQL       GET_LOCK on the session; the work runs in autocommit mode, so
//               all of it is committed before RELEASE_LOCK lets the next in
//   SQLite      the plugin's BEGIN IMMEDIATE (the database's write lock)
// Other DB plugins get a plain transaction (none when begin() is
// JIFFY_UNSUPPORTED). Each step is idempotent, so the
// instance that comes second finds everything done and changes nothing.
#pragma once

#include "auth/AuthStore.h"

#include <functional>

namespace jiffy::host::auth {

/// How long a MySQL instance waits for the lock before giving up (JIFFY_TIMEOUT).
inline constexpr int kStartupLockWaitS = 120;

/// Runs `work` with a store on the locked connection; commits when it
/// returns, rolls back (and rethrows) when it throws.
void withStartupLock(const DbInstance& db, const std::function<void(AuthStore&)>& work);

} // namespace jiffy::host::auth
