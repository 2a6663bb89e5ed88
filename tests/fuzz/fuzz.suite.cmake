# The libFuzzer harnesses of tests/fuzz/, built here with the project's
# compiler and warnings and run over their corpora (seeds and past crashes):
# a fixed crash stays fixed in `make test`. Fuzzing itself is `make fuzz`
# (tests/fuzz/run.sh, clang), a project of its own (tests/fuzz/CMakeLists.txt).
function(jiffy_fuzz_replay name)
  cmake_parse_arguments(F "" "" "LIBS" ${ARGN})
  add_executable(fuzz_replay_${name} fuzz/fuzz_${name}.cpp fuzz/ReplayMain.cpp)
  target_include_directories(fuzz_replay_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
  target_compile_definitions(fuzz_replay_${name} PRIVATE JIFFY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(fuzz_replay_${name} PRIVATE ${F_LIBS})
  jiffy_target_warnings(fuzz_replay_${name})
  add_test(NAME fuzz_replay_${name} COMMAND fuzz_replay_${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${name})
  set_tests_properties(fuzz_replay_${name} PROPERTIES TIMEOUT 120 LABELS "unit;fuzz")
endfunction()

jiffy_fuzz_replay(config LIBS jiffy_host)
jiffy_fuzz_replay(models LIBS jiffy_models_core)
jiffy_fuzz_replay(query LIBS jiffy_models_core jiffy_host)
jiffy_fuzz_replay(body LIBS jiffy_models_core)
jiffy_fuzz_replay(jwt LIBS jiffy_host)
jiffy_fuzz_replay(gob LIBS jiffy_sluggo_protocol)
jiffy_fuzz_replay(json_syntax LIBS jiffy::sdk)
