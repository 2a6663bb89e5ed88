// Small helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.cpp).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace jiffy::fuzz {

/// A file of the source tree (a model, a config), read once at start-up.
inline std::string sourceFile(const std::string& relative)
{
    const std::string path = std::string(JIFFY_SOURCE_DIR) + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
        std::abort();
    }
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

/// The fuzz input as text.
inline std::string_view text(const uint8_t* data, size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

/// Takes the first byte of the input as a selector (0 when empty).
inline uint8_t takeByte(std::string_view& in)
{
    if (in.empty()) return 0;
    auto b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    return b;
}

/// A broken promise of the code under test: reported as a crash.
[[noreturn]] inline void violated(const char* what, std::string_view detail = {})
{
    std::fprintf(stderr, "fuzz: invariant violated: %s %s\n", what, std::string(detail).c_str());
    std::abort();
}

} // namespace jiffy::fuzz
