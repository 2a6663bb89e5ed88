// Values across the Connector/C boundary: typed parameters out (MYSQL_BIND
// per jiffy value, binary protocol), result cells in (by column type, with
// a buffer per column sized from the stored result).
#pragma once

#include <jiffy/plugin.hpp>

#include <mysql.h>

#include <cstdint>
#include <string>
#include <vector>

namespace jiffy::mysql {

/**
 * Turns jiffy values into MYSQL_BINDs: INT → LONGLONG, DOUBLE → DOUBLE,
 * BOOL → TINY, TEXT → STRING, BLOB → BLOB, NULL → NULL. TEXT and BLOB
 * borrow the caller's bytes, valid for the duration of the call.
 */
class ParamBinder {
public:
    void bind(const jiffy::ValuesView& params);
    MYSQL_BIND* binds() { return binds_.empty() ? nullptr : binds_.data(); }
    size_t count() const { return binds_.size(); }

private:
    std::vector<MYSQL_BIND> binds_;
    std::vector<long long> ints_;
    std::vector<double> doubles_;
    std::vector<signed char> bools_;
    std::vector<unsigned long> lengths_;
};

/// How the cells of a result column become jiffy values.
enum class CellKind {
    Int,      ///< TINYINT (but TINYINT(1)), SMALLINT, MEDIUMINT, INT, BIGINT, YEAR
    Bool,     ///< TINYINT(1), which is what BOOLEAN is
    Double,   ///< FLOAT, DOUBLE
    Decimal,  ///< DECIMAL: INT when integral and in range, DOUBLE up to 15 significant digits, else exact TEXT
    DateTime, ///< DATETIME, TIMESTAMP: ISO 8601 TEXT "2024-02-29T13:14:15.5+00:00" (the session is UTC)
    Date,     ///< DATE: "2024-02-29"
    Time,     ///< TIME: "13:14:15", "-838:59:59"
    Bytes,    ///< binary strings and BLOBs (charset 63)
    Text,     ///< everything else: VARCHAR, TEXT, ENUM, JSON, ...
    Null      ///< a column that is always NULL (SELECT NULL)
};

/// The kind for a result field.
CellKind cellKindFor(const MYSQL_FIELD& field);

/**
 * Result buffers for one statement's stored result: one MYSQL_BIND per
 * column, sized from the fields' max_length, and the conversion of the
 * fetched cells. `values()` borrows the buffers until the next fetch.
 */
class ResultBinder {
public:
    /// Sets up binds for `fields` (after mysql_stmt_store_result, so max_length is known).
    void prepare(const MYSQL_FIELD* fields, unsigned count);
    MYSQL_BIND* binds() { return binds_.data(); }
    /// After MYSQL_DATA_TRUNCATED: grows the buffers that were too small and
    /// fetches those cells again (rebinding, so later rows use the new buffers).
    void refetchTruncated(MYSQL_STMT* stmt);
    /// The cells of the row just fetched.
    const std::vector<jiffy::Value>& values();

private:
    struct Column {
        CellKind kind = CellKind::Text;
        bool isUnsigned = false;
        long long i = 0;
        double d = 0;
        MYSQL_TIME time{};
        std::vector<char> buffer;
        unsigned long length = 0;
        my_bool isNull = 0;
        my_bool error = 0;
        std::string scratch;
    };
    std::vector<Column> columns_;
    std::vector<MYSQL_BIND> binds_;
    std::vector<jiffy::Value> values_;
};

} // namespace jiffy::mysql
