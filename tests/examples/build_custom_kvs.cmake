# Stages the SDK and builds examples/custom-kvs out of tree against it, as a
# plugin author would. Run by ctest (fixture custom_kvs_example):
#
#   cmake -DJIFFY_BUILD_DIR=... -DEXAMPLE_SOURCE_DIR=... -DEXAMPLE_BUILD_DIR=...
#         -DSDK_STAGE_DIR=... -DCXX_COMPILER=... [-DGENERATOR=...] [-DCXX_FLAGS=...]
#         [-DNM=...] -P build_custom_kvs.cmake
#
# Steps: 1. cmake --install <build> --component sdk --prefix <stage>
#        2. configure the example with only the stage on CMAKE_PREFIX_PATH
#           (and check that find_package refuses another ABI major)
#        3. build it (CXX_FLAGS carries the project's warnings and -Werror)
#        4. check that the plugin exports exactly one symbol, jiffy_plugin_query
#        5. cmake --install the example and check where the plugin lands
cmake_minimum_required(VERSION 3.18)

foreach(var JIFFY_BUILD_DIR EXAMPLE_SOURCE_DIR EXAMPLE_BUILD_DIR SDK_STAGE_DIR CXX_COMPILER)
  if(NOT ${var})
    message(FATAL_ERROR "build_custom_kvs.cmake: -D${var}=... is required")
  endif()
endforeach()

string(TIMESTAMP started "%s")
function(step what)
  string(TIMESTAMP now "%s")
  math(EXPR secs "${now} - ${started}")
  message(STATUS "[custom-kvs +${secs}s] ${what}")
endfunction()

# Runs a command, echoing it; stops the script with its output if it fails.
function(run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "  $ ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}):\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

step("staging the SDK in ${SDK_STAGE_DIR}")
file(REMOVE_RECURSE ${SDK_STAGE_DIR})
run(${CMAKE_COMMAND} --install ${JIFFY_BUILD_DIR} --component sdk --prefix ${SDK_STAGE_DIR})
foreach(f include/jiffy/abi.h include/jiffy/kvs.hpp lib/cmake/JiffySDK/JiffySDKConfig.cmake
          lib/cmake/JiffySDK/JiffySDKConfigVersion.cmake lib/cmake/JiffySDK/JiffySDKTargets.cmake)
  if(NOT EXISTS ${SDK_STAGE_DIR}/${f})
    message(FATAL_ERROR "the staged SDK lacks ${f}")
  endif()
endforeach()

step("checking that the package refuses another ABI major")
set(probe ${EXAMPLE_BUILD_DIR}-version-probe)
file(REMOVE_RECURSE ${probe})
file(WRITE ${probe}/src/CMakeLists.txt
  "cmake_minimum_required(VERSION 3.18)\nproject(probe LANGUAGES CXX)\nfind_package(JiffySDK 99.0 REQUIRED)\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${probe}/src -B ${probe}/build -DCMAKE_PREFIX_PATH=${SDK_STAGE_DIR}
                        -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0 OR NOT out MATCHES "compatible with requested version")
  message(FATAL_ERROR "find_package(JiffySDK 99.0) should find the package and refuse its version (rc ${rc}):\n${out}")
endif()
file(REMOVE_RECURSE ${probe})

step("configuring the example in ${EXAMPLE_BUILD_DIR}")
# A fresh tree every time, so a stale cache can never hide a packaging bug.
file(REMOVE_RECURSE ${EXAMPLE_BUILD_DIR})
set(configure ${CMAKE_COMMAND} -S ${EXAMPLE_SOURCE_DIR} -B ${EXAMPLE_BUILD_DIR}
    -DCMAKE_PREFIX_PATH=${SDK_STAGE_DIR}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
if(GENERATOR)
  list(APPEND configure -G ${GENERATOR})
endif()
run(${configure})

step("building the example")
run(${CMAKE_COMMAND} --build ${EXAMPLE_BUILD_DIR})
set(plugin ${EXAMPLE_BUILD_DIR}/libjiffy-kvs-files.so)
if(NOT EXISTS ${plugin})
  message(FATAL_ERROR "the build did not produce ${plugin}:\n${run_output}")
endif()

if(NM)
  step("checking the exported symbols of ${plugin}")
  run(${NM} -D --defined-only ${plugin})
  string(REGEX MATCHALL "[^\n]+" lines "${run_output}")
  set(exported "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]+ [A-Za-z] (.+)$")
      list(APPEND exported ${CMAKE_MATCH_1})
    endif()
  endforeach()
  if(NOT exported STREQUAL "jiffy_plugin_query")
    message(FATAL_ERROR "the plugin should export only jiffy_plugin_query, it exports: ${exported}")
  endif()
endif()

step("installing the example")
set(install_dir ${EXAMPLE_BUILD_DIR}/install-test)
run(${CMAKE_COMMAND} --install ${EXAMPLE_BUILD_DIR} --prefix ${install_dir})
if(NOT EXISTS ${install_dir}/lib/jiffy/plugins/libjiffy-kvs-files.so)
  message(FATAL_ERROR "cmake --install did not put the plugin in lib/jiffy/plugins:\n${run_output}")
endif()

step("done: ${plugin}")
