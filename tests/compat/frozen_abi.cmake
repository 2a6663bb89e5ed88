# Fails when a released ABI header changed: sdk/abi/<version>/ is frozen.
# Run as: cmake -DSOURCE_DIR=... -P frozen_abi.cmake
set(frozen
  "1.0" "83d91c4e5b6e85aa489d8624bae31028ab9174ccece12197fbc56aed7658db27")
list(LENGTH frozen n)
math(EXPR last "${n} - 1")
foreach(i RANGE 0 ${last} 2)
  math(EXPR j "${i} + 1")
  list(GET frozen ${i} version)
  list(GET frozen ${j} expected)
  set(f "${SOURCE_DIR}/sdk/abi/${version}/jiffy/abi.h")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "${f}: the frozen ABI ${version} header is missing")
  endif()
  file(SHA256 "${f}" actual)
  if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "${f} changed (sha256 ${actual}, released as ${expected}): a released ABI header never "
                        "changes; add a new minor to sdk/include/jiffy/abi.h instead")
  endif()
  message(STATUS "ABI ${version}: unchanged")
endforeach()
