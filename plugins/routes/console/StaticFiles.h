// The console's files, read once at start from one directory into memory.
// Only regular files directly in that directory whose names are plain
// (letters, digits, '-', '_', '.', not starting with '.') and whose extension
// has a known content type are kept (no symbolic links, no subdirectories):
// a request can name nothing else, so no path, encoded or not, reaches the
// file system.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace jiffy::console {

struct StaticFile {
    std::string body;
    std::string contentType;
    std::string etag; ///< strong validator: a quoted hash of the body
};

class StaticFiles {
public:
    /// Reads `dir`; throws jiffy::Error(JIFFY_INVALID, ...) naming the
    /// directory when it is missing or holds no index.html.
    explicit StaticFiles(const std::string& dir);

    /// The file called `name`, or nullptr.
    const StaticFile* find(std::string_view name) const;
    /// Adds (or replaces) a file made by the plugin itself.
    void put(const std::string& name, std::string body, std::string contentType);
    size_t size() const { return files_.size(); }

    /// The content type for `name`'s extension, or "" when it is not served.
    static std::string contentTypeFor(std::string_view name);
    /// True for names the console may serve (see the file comment).
    static bool plainName(std::string_view name);
    /// `"<16 hex digits>"`: FNV-1a 64 of `body`, stable across restarts.
    static std::string etagOf(std::string_view body);

private:
    std::map<std::string, StaticFile, std::less<>> files_;
};

} // namespace jiffy::console
