#include "config/SecretFiles.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>

namespace jiffy::host {

std::string readSecretFile(const std::string& key, const std::string& path)
{
    const std::string at = key.empty() ? std::string() : key + ": ";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(at + "cannot read \"" + path + "\"");
    // Bounded: a secret is short, and a mistaken path (/dev/zero, a log file)
    // must fail at once, not read forever.
    constexpr std::streamsize kMax = 64 * 1024;
    std::string s(static_cast<size_t>(kMax) + 1, '\0');
    in.read(s.data(), kMax + 1);
    s.resize(static_cast<size_t>(in.gcount()));
    if (static_cast<std::streamsize>(s.size()) > kMax)
        throw std::runtime_error(at + "\"" + path + "\" is larger than 64 KiB, which no secret is");
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    if (s.empty()) throw std::runtime_error(at + "\"" + path + "\" is empty");
    return s;
}

std::optional<std::string> secretPermissionWarning(const std::string& key, const std::string& path)
{
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
    if ((st.st_mode & (S_IRGRP | S_IROTH)) == 0) return std::nullopt;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return key + ": \"" + path + "\" is readable by other users (mode " + mode + "); chmod 600 it";
}

} // namespace jiffy::host
