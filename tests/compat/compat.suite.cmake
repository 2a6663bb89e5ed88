# The plugin ABI across versions: released headers are frozen, a plugin built
# against 1.0 runs in today's host (tests/testplugins/c_hello.c, in
# unit_plugin_loader and integration_jiffyd), and a plugin built with today's
# SDK runs in a host that speaks only 1.0 (host_1_0.c, built against the
# frozen header).
add_test(NAME compat_frozen_abi_headers
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/compat/frozen_abi.cmake)
add_executable(compat_host_1_0 ${CMAKE_CURRENT_SOURCE_DIR}/compat/host_1_0.c)
target_include_directories(compat_host_1_0 PRIVATE ${PROJECT_SOURCE_DIR}/sdk/abi/1.0)
target_link_libraries(compat_host_1_0 PRIVATE ${CMAKE_DL_LIBS})
jiffy_target_warnings(compat_host_1_0)
add_dependencies(compat_host_1_0 jiffy_test_plugins)
add_test(NAME compat_new_plugin_in_1_0_host
  COMMAND compat_host_1_0 ${CMAKE_BINARY_DIR}/testplugins/libjiffy-routes-nooptions.so /nooptions)
# A plugin using the 1.1 host entries cluster_term/is_leader, in the 1.0 host: JIFFY_UNSUPPORTED, no crash.
add_test(NAME compat_cluster_entries_in_1_0_host
  COMMAND compat_host_1_0 ${CMAKE_BINARY_DIR}/testplugins/libjiffy-routes-leadership.so /leadership unsupported)
set_tests_properties(compat_frozen_abi_headers compat_new_plugin_in_1_0_host compat_cluster_entries_in_1_0_host
  PROPERTIES LABELS "unit")
