#include "StaticFiles.h"

#include <jiffy/plugin.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jiffy::console {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxFileBytes = 4u << 20; // the console is a few dozen KB; a bigger file is a mistake
constexpr size_t kMaxFiles = 200;

} // namespace

StaticFiles::StaticFiles(const std::string& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail(JIFFY_INVALID, "static_dir: " + dir + " is not a directory");
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        // A symbolic link is skipped: it could point anywhere on the machine.
        if (!plainName(name) || contentTypeFor(name).empty() || e.is_symlink(ec) || !e.is_regular_file(ec)) continue;
        if (e.file_size(ec) > kMaxFileBytes)
            fail(JIFFY_INVALID, "static_dir: " + e.path().string() + " is larger than 4 MiB");
        if (files_.size() >= kMaxFiles) fail(JIFFY_INVALID, "static_dir: " + dir + " holds more than 200 files");
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        if (!in && !in.eof()) fail(JIFFY_INVALID, "static_dir: cannot read " + e.path().string());
        put(name, body.str(), contentTypeFor(name));
    }
    if (ec) fail(JIFFY_INVALID, "static_dir: cannot list " + dir + ": " + ec.message());
    if (!find("index.html")) fail(JIFFY_INVALID, "static_dir: " + dir + " has no index.html");
}

const StaticFile* StaticFiles::find(std::string_view name) const
{
    auto it = files_.find(name);
    return it == files_.end() ? nullptr : &it->second;
}

void StaticFiles::put(const std::string& name, std::string body, std::string contentType)
{
    std::string etag = etagOf(body);
    files_[name] = StaticFile{std::move(body), std::move(contentType), std::move(etag)};
}

std::string StaticFiles::contentTypeFor(std::string_view name)
{
    static const std::pair<std::string_view, std::string_view> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
    };
    for (const auto& [ext, type] : kTypes)
        if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) return std::string(type);
    return {};
}

bool StaticFiles::plainName(std::string_view name)
{
    if (name.empty() || name.size() > 100 || name.front() == '.') return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  c == '.';
        if (!ok) return false;
    }
    return name.find("..") == std::string_view::npos;
}

std::string StaticFiles::etagOf(std::string_view body)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : body) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
    return buf;
}

} // namespace jiffy::console
