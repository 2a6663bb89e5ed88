#include "conformance/DbConformanceTest.h"

#include "plugins/PluginErrors.h"

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using jiffy::Value;
using jiffy::ValuesView;
using jiffy::host::CallError;
using jiffy::host::PluginCallError;

namespace {

struct Row {
    std::vector<int32_t> types;
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<std::string> texts;
};

Row capture(const ValuesView& v)
{
    Row r;
    for (size_t i = 0; i < v.size(); ++i) {
        r.types.push_back(v[i].type);
        r.ints.push_back(v[i].i);
        r.doubles.push_back(v[i].d);
        r.texts.emplace_back(v.getText(i));
    }
    return r;
}

} // namespace

void DbConformanceTest::setUp()
{
    std::random_device rd;
    suffix_ = std::to_string(rd() % 1000000000);
    db_ = makeDb();
}

void DbConformanceTest::tearDown()
{
    if (db_) {
        for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
            try {
                db_->execute("DROP TABLE IF EXISTS " + *it, {});
            } catch (...) {
            }
        }
    }
    created_.clear();
    db_.reset();
}

std::string DbConformanceTest::ph(size_t n) const
{
    return db_->dialect().placeholder == JIFFY_PLACEHOLDER_DOLLAR ? "$" + std::to_string(n) : "?";
}

void DbConformanceTest::createTable(const std::string& name, const std::string& columns)
{
    db_->execute("CREATE TABLE " + name + " (id " + std::string(db_->dialect().primary_key) + ", " + columns + ")", {});
    created_.push_back(name);
}

jiffy_status DbConformanceTest::statusOf(const std::string& sql, const std::vector<Value>& params)
{
    try {
        db_->execute(sql, params);
        return JIFFY_OK;
    } catch (const PluginCallError& e) {
        return e.status();
    }
}

void DbConformanceTest::testTypesRoundTrip()
{
    const auto& d = db_->dialect();
    std::string t = table("types");
    createTable(t, std::string("i ") + d.type_int + ", f " + d.type_double + ", s " + d.type_text + ", b " +
                       d.type_bool + ", bl " + d.type_blob);
    const std::string unicode = "Zürich \xe2\x82\xac \xf0\x9f\x93\x9a 'quoted' \"double\"";
    const std::string blob("\x00\x01\xff\x00zz", 6);
    db_->execute("INSERT INTO " + t + " (i, f, s, b, bl) VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) + ", " +
                     ph(4) + ", " + ph(5) + ")",
                 {int64_t(9223372036854775807LL), 3.25, unicode, true, jiffy::Blob{blob}});
    db_->execute("INSERT INTO " + t + " (i, f, s, b, bl) VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) + ", " +
                     ph(4) + ", " + ph(5) + ")",
                 {int64_t(-9223372036854775807LL - 1), -0.5, "", false, jiffy::Blob{""}});
    std::vector<Row> rows;
    db_->execute("SELECT i, f, s, b, bl FROM " + t + " ORDER BY id", {},
                 [&](const ValuesView& v) { rows.push_back(capture(v)); });
    CPPUNIT_ASSERT_EQUAL(size_t(2), rows.size());
    const Row& a = rows[0];
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(a.types[0]));
    CPPUNIT_ASSERT_EQUAL(int64_t(9223372036854775807LL), a.ints[0]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(a.types[1]));
    CPPUNIT_ASSERT_EQUAL(3.25, a.doubles[1]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(a.types[2]));
    CPPUNIT_ASSERT_EQUAL(unicode, a.texts[2]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_BOOL}, static_cast<int>(a.types[3]));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), a.ints[3]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_BLOB}, static_cast<int>(a.types[4]));
    CPPUNIT_ASSERT(blob == a.texts[4]);
    const Row& b = rows[1];
    CPPUNIT_ASSERT_EQUAL(int64_t(-9223372036854775807LL - 1), b.ints[0]);
    CPPUNIT_ASSERT_EQUAL(-0.5, b.doubles[1]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(b.types[2]));
    CPPUNIT_ASSERT_EQUAL(std::string(), b.texts[2]);
    CPPUNIT_ASSERT_EQUAL(int64_t(0), b.ints[3]);
}

void DbConformanceTest::testNullsRoundTrip()
{
    const auto& d = db_->dialect();
    std::string t = table("nulls");
    createTable(t, std::string("i ") + d.type_int + ", s " + d.type_text + ", b " + d.type_bool);
    db_->execute("INSERT INTO " + t + " (i, s, b) VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) + ")",
                 {nullptr, nullptr, nullptr});
    std::vector<Row> rows;
    db_->execute("SELECT i, s, b FROM " + t, {}, [&](const ValuesView& v) { rows.push_back(capture(v)); });
    CPPUNIT_ASSERT_EQUAL(size_t(1), rows.size());
    for (int32_t type : rows[0].types) CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_NULL}, static_cast<int>(type));
    int64_t n = -1;
    db_->execute("SELECT count(*) FROM " + t + " WHERE s IS NULL", {}, [&](const ValuesView& v) { n = v.getInt(0); });
    CPPUNIT_ASSERT_EQUAL(int64_t(1), n);
}

void DbConformanceTest::testExpressionsKeepTheirType()
{
    std::vector<Row> rows;
    db_->execute("SELECT count(*) AS n, 1 + 1 AS two, 'x' AS s", {},
                 [&](const ValuesView& v) { rows.push_back(capture(v)); });
    CPPUNIT_ASSERT_EQUAL(size_t(1), rows.size());
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(rows[0].types[0]));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), rows[0].ints[0]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(rows[0].types[1]));
    CPPUNIT_ASSERT_EQUAL(int64_t(2), rows[0].ints[1]);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(rows[0].types[2]));
}

void DbConformanceTest::testParametersAreNeverInterpolated()
{
    const auto& d = db_->dialect();
    std::string t = table("inj");
    createTable(t, std::string("s ") + d.type_text);
    const std::string evil = "x'); DROP TABLE " + t + "; -- %_\\";
    db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {evil});
    std::string back;
    db_->execute("SELECT s FROM " + t + " WHERE s = " + ph(1), {evil},
                 [&](const ValuesView& v) { back = std::string(v.getText(0)); });
    CPPUNIT_ASSERT_EQUAL(evil, back);
}

int64_t DbConformanceTest::insertId(const std::string& insert, const std::vector<Value>& params)
{
    if (!(db_->dialect().flags & JIFFY_DB_RETURNING)) return db_->execute(insert, params).lastInsertId;
    int64_t id = -1;
    db_->execute(insert + " RETURNING id", params, [&](const ValuesView& v) { id = v.getInt(0); });
    return id;
}

void DbConformanceTest::testInsertReportsTheNewId()
{
    const auto& d = db_->dialect();
    std::string t = table("ret");
    createTable(t, std::string("s ") + d.type_text);
    std::set<int64_t> ids;
    for (int i = 0; i < 3; ++i) {
        int64_t id = insertId("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {"v" + std::to_string(i)});
        // The id names the row just written.
        std::string s;
        db_->execute("SELECT s FROM " + t + " WHERE id = " + ph(1), {id},
                     [&](const ValuesView& v) { s = std::string(v.getText(0)); });
        CPPUNIT_ASSERT_EQUAL("v" + std::to_string(i), s);
        ids.insert(id);
    }
    CPPUNIT_ASSERT_EQUAL(size_t(3), ids.size());
    CPPUNIT_ASSERT(*ids.begin() >= 1);
}

void DbConformanceTest::testAffectedRowsAreCounted()
{
    const auto& d = db_->dialect();
    std::string t = table("aff");
    createTable(t, std::string("s ") + d.type_text);
    for (int i = 0; i < 4; ++i)
        db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {i % 2 ? "odd" : "even"});
    auto r = db_->execute("UPDATE " + t + " SET s = " + ph(1) + " WHERE s = " + ph(2), {"x", "odd"});
    CPPUNIT_ASSERT_EQUAL(int64_t(2), r.rowsAffected);
    r = db_->execute("DELETE FROM " + t, {});
    CPPUNIT_ASSERT_EQUAL(int64_t(4), r.rowsAffected);
}

void DbConformanceTest::testEmptyResultAnnouncesColumns()
{
    const auto& d = db_->dialect();
    std::string t = table("empty");
    createTable(t, std::string("s ") + d.type_text);
    struct Ctx {
        size_t columns = 0;
        size_t rows = 0;
    } ctx;
    jiffy_row_sink sink{};
    sink.struct_size = sizeof sink;
    sink.ctx = &ctx;
    sink.columns = [](void* c, const jiffy_value*, size_t n) -> jiffy_status {
        static_cast<Ctx*>(c)->columns = n;
        return JIFFY_OK;
    };
    sink.row = [](void* c, const jiffy_value*, size_t) -> jiffy_status {
        static_cast<Ctx*>(c)->rows++;
        return JIFFY_OK;
    };
    std::string sql = "SELECT id, s FROM " + t;
    CallError err;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK},
                         static_cast<int>(db_->execute(nullptr, sql, nullptr, 0, &sink, nullptr, err.get())));
    CPPUNIT_ASSERT_EQUAL(size_t(2), ctx.columns);
    CPPUNIT_ASSERT_EQUAL(size_t(0), ctx.rows);
}

jiffy_db_conn* DbConformanceTest::beginOn(const jiffy::host::DbInstance& db)
{
    CallError err;
    jiffy_db_conn* conn = nullptr;
    CPPUNIT_ASSERT_EQUAL_MESSAGE(err.e.message, int{JIFFY_OK}, static_cast<int>(db.begin(&conn, err.get())));
    return conn;
}

int64_t DbConformanceTest::intOf(const jiffy::host::DbInstance& db, const std::string& sql,
                                 const std::vector<Value>& params)
{
    int64_t n = -1;
    db.execute(sql, params, [&](const ValuesView& v) { n = v.getInt(0); });
    return n;
}

void DbConformanceTest::testTransactionCommits()
{
    const auto& d = db_->dialect();
    std::string t = table("txc");
    createTable(t, std::string("s ") + d.type_text);
    jiffy_db_conn* conn = beginOn(*db_);
    CallError err;
    db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {"kept"}, {}, conn);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->commit(conn, err.get())));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db_, "SELECT count(*) FROM " + t));
}

void DbConformanceTest::testTransactionRollsBack()
{
    const auto& d = db_->dialect();
    std::string t = table("txr");
    createTable(t, std::string("s ") + d.type_text);
    jiffy_db_conn* conn = beginOn(*db_);
    CallError err;
    db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {"gone"}, {}, conn);
    db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {"gone too"}, {}, conn);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->rollback(conn, err.get())));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), intOf(*db_, "SELECT count(*) FROM " + t));
}

void DbConformanceTest::testFailedStatementInTransactionCanRollBack()
{
    const auto& d = db_->dialect();
    std::string t = table("txf");
    createTable(t, std::string("s ") + d.type_text + " NOT NULL");
    jiffy_db_conn* conn = beginOn(*db_);
    CallError err;
    db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {"first"}, {}, conn);
    CPPUNIT_ASSERT_THROW(db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {nullptr}, {}, conn),
                         PluginCallError);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->rollback(conn, err.get())));
    CPPUNIT_ASSERT_EQUAL(int64_t(0), intOf(*db_, "SELECT count(*) FROM " + t));
    // The pool is still usable afterwards.
    db_->execute("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {"after"});
}

void DbConformanceTest::testUniqueViolationIsConflict()
{
    const auto& d = db_->dialect();
    std::string t = table("uniq");
    createTable(t, std::string("email ") + d.type_text + " UNIQUE");
    db_->execute("INSERT INTO " + t + " (email) VALUES (" + ph(1) + ")", {"a@b.c"});
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_CONFLICT},
                         static_cast<int>(statusOf("INSERT INTO " + t + " (email) VALUES (" + ph(1) + ")", {"a@b.c"})));
}

void DbConformanceTest::testNotNullViolationIsInvalid()
{
    const auto& d = db_->dialect();
    std::string t = table("nn");
    createTable(t, std::string("s ") + d.type_text + " NOT NULL");
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID},
                         static_cast<int>(statusOf("INSERT INTO " + t + " (s) VALUES (" + ph(1) + ")", {nullptr})));
}

void DbConformanceTest::testForeignKeyViolationIsConflict()
{
    const auto& d = db_->dialect();
    std::string parent = table("parent"), child = table("child");
    createTable(parent, std::string("s ") + d.type_text);
    createTable(child, std::string("parent_id ") + d.type_int + " REFERENCES " + parent + "(id)");
    CPPUNIT_ASSERT_EQUAL(
        int{JIFFY_CONFLICT},
        static_cast<int>(statusOf("INSERT INTO " + child + " (parent_id) VALUES (" + ph(1) + ")", {424242})));
}

void DbConformanceTest::testSyntaxErrorIsInvalid()
{
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusOf("SELEC nonsense FROM")));
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusOf("SELECT * FROM no_such_table_" + suffix_)));
}

void DbConformanceTest::testWrongParameterCountIsInvalid()
{
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusOf("SELECT " + ph(1), {1, 2})));
}

void DbConformanceTest::testConcurrentInsertsAllLand()
{
    const auto& d = db_->dialect();
    std::string t = table("conc");
    createTable(t, std::string("worker ") + d.type_int + ", n " + d.type_int);
    std::atomic<int> errors{0};
    std::mutex m;
    std::set<int64_t> ids;
    std::vector<std::thread> threads;
    std::string first;
    for (int w = 0; w < 8; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < 50; ++i) {
                try {
                    int64_t id =
                        insertId("INSERT INTO " + t + " (worker, n) VALUES (" + ph(1) + ", " + ph(2) + ")", {w, i});
                    std::lock_guard<std::mutex> lock(m);
                    ids.insert(id);
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(m);
                    if (first.empty()) first = e.what();
                    errors++;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(first, 0, errors.load());
    CPPUNIT_ASSERT_EQUAL(size_t(400), ids.size());
    int64_t n = 0;
    db_->execute("SELECT count(*) FROM " + t, {}, [&](const ValuesView& v) { n = v.getInt(0); });
    CPPUNIT_ASSERT_EQUAL(int64_t(400), n);
}

void DbConformanceTest::testHealthIsOk()
{
    db_->health();
}
