// sdk/README.md and sdk/include/jiffy/abi.h agree entry by entry: every
// struct of the header has a table in the README's reference section listing
// each member with the status (required / optional / —) and the ABI version
// the header gives it, and every JIFFY_* constant of the header is named in
// the README. The parsing is deliberately plain: a member's status is
// "required" when its doc comment (the `/** */` right before it) says
// "Required.", "optional" when it says "Optional", else "—"; its version is
// that of the last `added in ABI x.y` comment before it in the struct, else
// 1.0. A README table is the rows `| `member` | status | since | ... |` under
// the heading "### `struct_name`". Each plugin's README, likewise, lists its
// options with the defaults of its option table.
#include "plugins/PluginLibrary.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

struct Member {
    std::string status; ///< "required", "optional" or "—"
    std::string since;  ///< "1.0", "1.1", ...
    bool function = false;
};
using Table = std::map<std::string, Member>;

std::string trim(const std::string& s)
{
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/// Every `typedef struct name { ... } name;` of the header, member by member.
std::map<std::string, Table> headerStructs(const std::string& h)
{
    std::map<std::string, Table> out;
    static const std::regex open(R"(typedef struct (jiffy_\w+) \{)");
    for (auto it = std::sregex_iterator(h.begin(), h.end(), open); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1];
        const size_t begin = static_cast<size_t>(it->position() + it->length());
        const size_t end = h.find("} " + name + ";", begin);
        CPPUNIT_ASSERT_MESSAGE("abi.h: struct " + name + " has no end", end != std::string::npos);
        const std::string body = h.substr(begin, end - begin);
        Table& t = out[name];
        std::string doc, since = "1.0";
        size_t at = 0;
        while ((at = body.find_first_not_of(" \t\r\n", at)) != std::string::npos) {
            if (body.compare(at, 2, "/*") == 0) {
                size_t close = body.find("*/", at);
                std::string comment = body.substr(at, close - at);
                std::smatch m;
                if (body.compare(at, 4, "/**<") == 0) {
                    // describes the member before it
                } else if (body.compare(at, 3, "/**") == 0) {
                    doc = comment;
                } else if (std::regex_search(comment, m, std::regex(R"(added in ABI (\d+\.\d+))"))) {
                    since = m[1];
                }
                at = close + 2;
                continue;
            }
            size_t semi = body.find(';', at);
            std::string decl = body.substr(at, semi - at);
            std::smatch m;
            Member mem;
            std::string member;
            if (std::regex_search(decl, m, std::regex(R"(\(\*(\w+)\))"))) {
                member = m[1];
                mem.function = true;
            } else if (std::regex_search(decl, m, std::regex(R"((\w+)\s*(\[[^\]]*\])?\s*$)"))) {
                member = m[1];
            }
            CPPUNIT_ASSERT_MESSAGE("abi.h: cannot read a member of " + name + " from \"" + decl + "\"",
                                   !member.empty());
            mem.status = doc.find("Required.") != std::string::npos  ? "required"
                         : doc.find("Optional") != std::string::npos ? "optional"
                                                                     : "—";
            mem.since = since;
            t[member] = mem;
            doc.clear();
            at = semi + 1;
        }
    }
    return out;
}

/// The Markdown table rows of `text` that start with a backticked name
/// ("| `name` | ..."): each row as written and its trimmed cells.
std::vector<std::pair<std::string, std::vector<std::string>>> memberRows(const std::string& text)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    size_t line = 0;
    while (line < text.size()) {
        size_t eol = text.find('\n', line);
        std::string row = text.substr(line, eol == std::string::npos ? std::string::npos : eol - line);
        line = eol == std::string::npos ? text.size() : eol + 1;
        if (row.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        size_t c = 1, bar;
        while ((bar = row.find('|', c)) != std::string::npos) {
            cells.push_back(trim(row.substr(c, bar - c)));
            c = bar + 1;
        }
        out.emplace_back(std::move(row), std::move(cells));
    }
    return out;
}

/// The rows of the README table under "### `name`", or nullopt-like empty with `found` false.
Table readmeTable(const std::string& readme, const std::string& name, bool& found)
{
    Table t;
    const std::string heading = "### `" + name + "`";
    size_t at = readme.find(heading + "\n");
    found = at != std::string::npos;
    if (!found) return t;
    at += heading.size() + 1;
    const size_t next = readme.find("\n#", at);
    std::string section = readme.substr(at, next == std::string::npos ? std::string::npos : next - at);
    for (const auto& [row, cells] : memberRows(section)) {
        CPPUNIT_ASSERT_MESSAGE("sdk/README.md, table " + name + ": row \"" + row + "\" needs 4 cells",
                               cells.size() >= 4);
        const std::string member = cells[0].substr(1, cells[0].find('`', 1) - 1);
        t[member] = Member{cells[1], cells[2], false};
    }
    return t;
}

/// Backticked names in a table cell: "`usr`, `password`" -> {usr, password}.
std::vector<std::string> backticked(const std::string& cell)
{
    std::vector<std::string> out;
    size_t at = 0;
    while ((at = cell.find('`', at)) != std::string::npos) {
        size_t close = cell.find('`', at + 1);
        if (close == std::string::npos) break;
        out.push_back(cell.substr(at + 1, close - at - 1));
        at = close + 1;
    }
    return out;
}

/// A README default as written ("`\"tcp\"`", "`localhost`", "5000") -> tcp, localhost, 5000.
std::string plainDefault(std::string text)
{
    text = trim(text);
    if (text.size() >= 2 && text.front() == '`' && text.back() == '`') text = text.substr(1, text.size() - 2);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    return text;
}

/// The option rows of a plugin README, `| `key` | type | default | what |`,
/// a row naming several keys giving as many comma-separated defaults (or one for all).
std::map<std::string, std::string> readmeDefaults(const std::string& readme)
{
    std::map<std::string, std::string> out;
    for (const auto& [row, cells] : memberRows(readme)) {
        if (cells.size() < 4) continue;
        std::vector<std::string> keys = backticked(cells[0]);
        std::vector<std::string> defaults;
        if (keys.size() > 1) {
            size_t from = 0, comma;
            while ((comma = cells[2].find(", ", from)) != std::string::npos) {
                defaults.push_back(plainDefault(cells[2].substr(from, comma - from)));
                from = comma + 2;
            }
            defaults.push_back(plainDefault(cells[2].substr(from)));
        }
        for (size_t i = 0; i < keys.size(); ++i)
            out[keys[i]] = keys.size() > 1 && defaults.size() == keys.size() ? defaults[i] : plainDefault(cells[2]);
    }
    return out;
}

} // namespace

class SdkContractTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SdkContractTest);
    CPPUNIT_TEST(testHeaderMarksEveryEntryOfAPluginTable);
    CPPUNIT_TEST(testReadmeListsEveryMemberAsTheHeaderDoes);
    CPPUNIT_TEST(testReadmeNamesEveryConstant);
    CPPUNIT_TEST(testPluginReadmesStateTheTablesDefaults);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        header_ = jiffy::test::readFile(jiffy::test::sourceDir() + "/sdk/include/jiffy/abi.h");
        readme_ = jiffy::test::readFile(jiffy::test::sourceDir() + "/sdk/README.md");
    }

    void testHeaderMarksEveryEntryOfAPluginTable()
    {
        // The tables whose entries the loader checks: each function says
        // whether the plugin must fill it (PluginLoaderTest compares the
        // "Required." ones with the loader's list).
        auto structs = headerStructs(header_);
        for (const char* table :
             {"jiffy_plugin_descriptor", "jiffy_kvs_vtable", "jiffy_db_vtable", "jiffy_routes_vtable"}) {
            CPPUNIT_ASSERT_MESSAGE(std::string("abi.h: no struct ") + table, structs.count(table));
            for (const auto& [member, m] : structs[table])
                CPPUNIT_ASSERT_MESSAGE(std::string("abi.h: ") + table + "." + member +
                                           ": its doc comment says neither \"Required.\" nor \"Optional\"",
                                       !m.function || m.status != "—");
        }
        // The loader refuses a descriptor without these (PluginLibrary::validate).
        std::set<std::string> required;
        for (const auto& [member, m] : structs["jiffy_plugin_descriptor"])
            if (m.status == "required") required.insert(member);
        CPPUNIT_ASSERT(required == (std::set<std::string>{"create", "destroy", "vtable"}));
    }

    void testReadmeListsEveryMemberAsTheHeaderDoes()
    {
        auto structs = headerStructs(header_);
        CPPUNIT_ASSERT_MESSAGE("abi.h: fewer structs than expected", structs.size() >= 14);
        std::string problems;
        for (const auto& [name, members] : structs) {
            bool found = false;
            Table doc = readmeTable(readme_, name, found);
            if (!found) {
                problems += "\n  no section \"### `" + name + "`\"";
                continue;
            }
            for (const auto& [member, m] : members) {
                auto it = doc.find(member);
                if (it == doc.end()) {
                    problems += "\n  " + name + "." + member + ": not in the table";
                    continue;
                }
                if (it->second.status != m.status)
                    problems += "\n  " + name + "." + member + ": status \"" + it->second.status + "\", abi.h: \"" +
                                m.status + "\"";
                if (it->second.since != m.since)
                    problems += "\n  " + name + "." + member + ": since \"" + it->second.since + "\", abi.h: \"" +
                                m.since + "\"";
            }
            for (const auto& [member, m] : doc)
                if (!members.count(member)) problems += "\n  " + name + "." + member + ": not in abi.h";
        }
        CPPUNIT_ASSERT_MESSAGE("sdk/README.md disagrees with abi.h:" + problems, problems.empty());
    }

    void testReadmeNamesEveryConstant()
    {
        std::set<std::string> names;
        static const std::regex define(R"(#define (JIFFY_\w+))");
        for (auto it = std::sregex_iterator(header_.begin(), header_.end(), define); it != std::sregex_iterator(); ++it)
            names.insert((*it)[1]);
        static const std::regex enumerator(R"((JIFFY_\w+) = [0-9])");
        for (auto it = std::sregex_iterator(header_.begin(), header_.end(), enumerator); it != std::sregex_iterator();
             ++it)
            names.insert((*it)[1]);
        names.erase("JIFFY_ABI_H"); // the include guard
        CPPUNIT_ASSERT_MESSAGE("abi.h: fewer constants than expected", names.size() > 50);
        std::string missing;
        for (const auto& n : names)
            if (!std::regex_search(readme_, std::regex("\\b" + n + "\\b"))) missing += " " + n;
        CPPUNIT_ASSERT_MESSAGE("sdk/README.md does not name these constants of abi.h:" + missing, missing.empty());
    }

    void testPluginReadmesStateTheTablesDefaults()
    {
        // Each plugin's README lists its options with the option table's
        // defaults (the one place they are stated, shown by --list-plugins).
        std::string problems;
        int plugins = 0;
        for (const auto& entry : std::filesystem::directory_iterator(JIFFY_TEST_PLUGIN_DIR)) {
            static const std::regex file(R"(libjiffy-(kvs|db|routes)-(\w+)\.so)");
            std::smatch m;
            const std::string base = entry.path().filename().string();
            if (!std::regex_match(base, m, file)) continue;
            ++plugins;
            const std::string readmePath = "plugins/" + m[1].str() + "/" + m[2].str() + "/README.md";
            const std::string readme = jiffy::test::readFile(jiffy::test::sourceDir() + "/" + readmePath);
            auto documented = readmeDefaults(readme);
            auto lib = jiffy::host::PluginLibrary::open(entry.path().string(), 0);
            for (const auto& o : lib->options()) {
                auto it = documented.find(o.name);
                if (it == documented.end()) {
                    problems += "\n  " + readmePath + ": option " + o.name + " is not in its table";
                    continue;
                }
                const std::string want = o.required ? "required" : plainDefault(o.defaultJson);
                if ((o.required || !o.defaultJson.empty()) && it->second != want)
                    problems += "\n  " + readmePath + ": " + o.name + " is \"" + want + "\" in the option table, \"" +
                                it->second + "\" in the README";
            }
        }
        CPPUNIT_ASSERT_MESSAGE("no plugins in " JIFFY_TEST_PLUGIN_DIR, plugins >= 5);
        CPPUNIT_ASSERT_MESSAGE("plugin READMEs disagree with the option tables:" + problems, problems.empty());
    }

private:
    std::string header_, readme_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdkContractTest);
