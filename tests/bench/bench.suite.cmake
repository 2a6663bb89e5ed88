# Not tests: the programs `make bench` runs (tests/bench/run.sh).
add_executable(jiffy-bench-ceiling ${CMAKE_CURRENT_SOURCE_DIR}/bench/CeilingServer.cpp)
target_link_libraries(jiffy-bench-ceiling PRIVATE Poco::Net Poco::Foundation)
set_target_properties(jiffy-bench-ceiling PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
jiffy_target_warnings(jiffy-bench-ceiling)
