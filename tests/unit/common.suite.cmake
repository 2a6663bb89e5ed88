# common/ (code compiled into both the host and the bundled plugins): the
# static-filter syntax, and the auth routes' filters built on it (no server).
jiffy_cppunit_test(unit_common SOURCES unit/FilterSyntaxTest.cpp LABELS unit auth models)
# plugins/common/StatementCache.h, the prepared-statement cache of the SQL server plugins.
jiffy_cppunit_test(unit_statement_cache SOURCES unit/StatementCacheTest.cpp LABELS unit db LIBS jiffy::plugin_common)
