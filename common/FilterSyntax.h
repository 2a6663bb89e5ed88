// jiffy's static-filter text, the part between the parentheses of
// "name(EQ 'Central')" or "copies(GT 3)": an operator word, then a value that
// may stand in single quotes. This header splits that text and builds the LIKE
// pattern of "contains"; what a value must look like (quoted string, integer,
// bool) is the caller's rule, as are the messages of a refusal.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace jiffy::common {

/// The comparison operators of jiffy's static filters.
enum class FilterOp { Eq, Ne, Lt, Le, Gt, Ge, Like };

/// "EQ", "NE", "LT", "LE", "GT", "GE", "LIKE".
inline const char* filterOpName(FilterOp op)
{
    static const char* const names[] = {"EQ", "NE", "LT", "LE", "GT", "GE", "LIKE"};
    return names[static_cast<int>(op)];
}

/// The SQL operator: "=", "!=", "<", "<=", ">", ">=", "LIKE".
inline const char* filterOpSql(FilterOp op)
{
    static const char* const sql[] = {"=", "!=", "<", "<=", ">", ">=", "LIKE"};
    return sql[static_cast<int>(op)];
}

/// The operator a word names, in any case ("eq", "Like"); nullopt for any other word.
inline std::optional<FilterOp> filterOpFromWord(std::string_view word)
{
    for (int i = 0; i <= static_cast<int>(FilterOp::Like); ++i) {
        std::string_view name = filterOpName(static_cast<FilterOp>(i));
        if (word.size() != name.size()) continue;
        bool same = true;
        for (size_t k = 0; k < word.size() && same; ++k)
            same = std::toupper(static_cast<unsigned char>(word[k])) == name[k];
        if (same) return static_cast<FilterOp>(i);
    }
    return std::nullopt;
}

/// `s` without leading and trailing white space.
inline std::string_view trimSpace(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

/// Static-filter text split into its parts; views into the text given to tokenizeFilter.
struct FilterTokens {
    std::string_view text;      ///< the whole text, trimmed
    std::string_view word;      ///< the leading letters ("EQ" of "EQ 'x'"; empty when it starts otherwise)
    std::optional<FilterOp> op; ///< what `word` names, if anything
    /// The word ends the text or is followed by a space or a quote ("EQ3" and
    /// "EQ\t3" are not: there the word runs into what follows).
    bool wordStandsAlone = false;
    std::string_view value; ///< after the word, trimmed, without the quotes when `quoted`
    bool quoted = false;    ///< the value stood in single quotes ('' is a quoted empty value)
};

/// Splits "OP value" / "OP 'value'". Never fails: every check is the caller's.
inline FilterTokens tokenizeFilter(std::string_view text)
{
    FilterTokens t;
    t.text = trimSpace(text);
    size_t end = 0;
    while (end < t.text.size() && std::isalpha(static_cast<unsigned char>(t.text[end]))) ++end;
    t.word = t.text.substr(0, end);
    t.op = filterOpFromWord(t.word);
    t.wordStandsAlone = end == t.text.size() || t.text[end] == ' ' || t.text[end] == '\'';
    t.value = trimSpace(t.text.substr(end));
    t.quoted = t.value.size() >= 2 && t.value.front() == '\'' && t.value.back() == '\'';
    if (t.quoted) t.value = t.value.substr(1, t.value.size() - 2);
    return t;
}

/// The LIKE pattern for "contains `v`" (used with ESCAPE '\\'): a %, _ or
/// backslash in `v` matches itself.
inline std::string containsPattern(std::string_view v)
{
    std::string out = "%";
    for (char c : v) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

} // namespace jiffy::common
