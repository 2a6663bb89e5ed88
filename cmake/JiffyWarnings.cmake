# Compiler warnings and sanitizers for every target of this project.
set(JIFFY_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wformat=2)
if(JIFFY_WERROR)
  list(APPEND JIFFY_WARNING_FLAGS -Werror)
endif()

# jiffy_target_warnings(<target>): C++ warning set (C targets get the C-compatible subset).
function(jiffy_target_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${JIFFY_WARNING_FLAGS}>
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic $<$<BOOL:${JIFFY_WERROR}>:-Werror>>)
endfunction()

# `make test-sanitize` builds build-asan with JIFFY_SANITIZE and build-tsan with JIFFY_TSAN.
# Undefined behaviour is fatal (no recovery), so a finding fails its test.
if(JIFFY_SANITIZE AND JIFFY_TSAN)
  message(FATAL_ERROR "JIFFY_SANITIZE and JIFFY_TSAN cannot be combined (ASan and TSan exclude each other)")
endif()
if(JIFFY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
endif()
if(JIFFY_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
