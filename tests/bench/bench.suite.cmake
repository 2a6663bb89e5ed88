# Not tests: the programs `make bench` runs (tests/bench/run.sh).
add_executable(jiffy-bench-ceiling ${CMAKE_CURRENT_SOURCE_DIR}/bench/CeilingServer.cpp)
target_link_libraries(jiffy-bench-ceiling PRIVATE Poco::Net Poco::Foundation)
set_target_properties(jiffy-bench-ceiling PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
jiffy_target_warnings(jiffy-bench-ceiling)
# make bench-cluster: the n = 3 row measured on real jiffyd processes (and Redis), before cluster_sim's rows.
add_executable(cluster_bench_processes ${CMAKE_CURRENT_SOURCE_DIR}/bench/cluster_processes.cpp)
target_link_libraries(cluster_bench_processes PRIVATE jiffy_cluster_processes)
add_dependencies(cluster_bench_processes jiffyd ${JIFFY_ALL_PLUGINS})
set_target_properties(cluster_bench_processes PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
jiffy_target_warnings(cluster_bench_processes)
