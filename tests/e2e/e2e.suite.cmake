# End-to-end: the .deb packages and the container images, driven by shell
# scripts with podman (tests/e2e/*.sh). Label e2e: `make test` leaves them out
# (ctest -LE e2e); `make test-e2e` builds the packages and runs them (ctest -L e2e).
# A script exits 77 when the machine cannot run it (ctest reports SKIP).
function(jiffy_e2e_test name)
  cmake_parse_arguments(T "" "TIMEOUT;FIXTURES_SETUP" "FIXTURES_REQUIRED" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_test(NAME e2e_${name} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/${name}.sh)
  set_tests_properties(e2e_${name} PROPERTIES LABELS e2e TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77
    RUN_SERIAL ON ENVIRONMENT "JIFFY_SOURCE_DIR=${PROJECT_SOURCE_DIR};JIFFY_BUILD_DIR=${CMAKE_BINARY_DIR}")
  if(T_FIXTURES_SETUP)
    set_tests_properties(e2e_${name} PROPERTIES FIXTURES_SETUP ${T_FIXTURES_SETUP})
  endif()
  if(T_FIXTURES_REQUIRED)
    set_tests_properties(e2e_${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES_REQUIRED}")
  endif()
endfunction()

jiffy_e2e_test(deb-install)
jiffy_e2e_test(lintian TIMEOUT 300)
jiffy_e2e_test(images TIMEOUT 1800 FIXTURES_SETUP e2e_images)
jiffy_e2e_test(container-aio FIXTURES_REQUIRED e2e_images)
jiffy_e2e_test(container-single FIXTURES_REQUIRED e2e_images)
jiffy_e2e_test(container-multi FIXTURES_REQUIRED e2e_images)
jiffy_e2e_test(custom-kvs)
