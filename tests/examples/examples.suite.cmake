# examples/custom-kvs as its author would meet it: built out of tree against
# the staged SDK (fixture custom_kvs_example), then run through the KVS
# conformance suite in-process and loaded by an unmodified jiffyd.
set(JIFFY_EXAMPLE_KVS_BUILD_DIR ${CMAKE_CURRENT_BINARY_DIR}/examples/custom-kvs)
set(JIFFY_EXAMPLE_KVS_PLUGIN ${JIFFY_EXAMPLE_KVS_BUILD_DIR}/libjiffy-kvs-files.so)

# The example must build with this project's warnings as errors, whatever JIFFY_WERROR says.
set(_example_cxx_flags ${JIFFY_WARNING_FLAGS} -Werror)
list(REMOVE_DUPLICATES _example_cxx_flags)
string(REPLACE ";" " " _example_cxx_flags "${_example_cxx_flags}")
add_test(NAME example_custom_kvs_build
  COMMAND ${CMAKE_COMMAND}
    -DJIFFY_BUILD_DIR=${CMAKE_BINARY_DIR}
    -DEXAMPLE_SOURCE_DIR=${PROJECT_SOURCE_DIR}/examples/custom-kvs
    -DEXAMPLE_BUILD_DIR=${JIFFY_EXAMPLE_KVS_BUILD_DIR}
    -DSDK_STAGE_DIR=${CMAKE_BINARY_DIR}/sdk-stage
    -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
    -DGENERATOR=${CMAKE_GENERATOR}
    "-DCXX_FLAGS=${_example_cxx_flags}"
    -DNM=${CMAKE_NM}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/examples/build_custom_kvs.cmake)
set_tests_properties(example_custom_kvs_build PROPERTIES
  FIXTURES_SETUP custom_kvs_example TIMEOUT 300 LABELS "examples;unit")

# A helper process for the cross-process tests of the conformance suite.
add_executable(files_kvs_worker examples/FilesKvsWorker.cpp)
target_link_libraries(files_kvs_worker PRIVATE jiffy_test_support)
jiffy_target_warnings(files_kvs_worker)

jiffy_cppunit_test(kvs_conformance_custom
  SOURCES conformance/KvsConformanceTest.cpp examples/FilesKvsSuite.cpp LABELS unit kvs examples)
target_compile_definitions(kvs_conformance_custom PRIVATE
  JIFFY_EXAMPLE_KVS_PLUGIN="${JIFFY_EXAMPLE_KVS_PLUGIN}"
  JIFFY_FILES_KVS_WORKER="$<TARGET_FILE:files_kvs_worker>")
add_dependencies(kvs_conformance_custom files_kvs_worker)
set_tests_properties(kvs_conformance_custom PROPERTIES FIXTURES_REQUIRED custom_kvs_example)

jiffy_cppunit_test(integration_custom_kvs
  SOURCES examples/CustomKvsJiffydTest.cpp LABELS integration examples)
target_compile_definitions(integration_custom_kvs PRIVATE JIFFY_EXAMPLE_KVS_PLUGIN="${JIFFY_EXAMPLE_KVS_PLUGIN}")
set_tests_properties(integration_custom_kvs PROPERTIES FIXTURES_REQUIRED custom_kvs_example)
