// jiffy/json_syntax.hpp — where a JSON text goes wrong, as line and column.
//
// Header-only, standard library only. JSON parsers at hand (Poco 1.11's
// among them) say what is wrong but not where; config and model files are
// edited by hand, so every message about them names "file:line:col". This is
// a strict RFC 8259 syntax check only: it builds nothing and is run only
// after a real parser has refused the text, to place the message.
#ifndef JIFFY_JSON_SYNTAX_HPP
#define JIFFY_JSON_SYNTAX_HPP

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jiffy {

/// The first syntax error of a JSON text: 1-based line and column (bytes).
struct JsonSyntaxError {
    size_t line = 1;
    size_t column = 1;
    std::string message; ///< e.g. "expected ',' or '}'"
};

namespace detail {

class JsonSyntaxChecker {
public:
    explicit JsonSyntaxChecker(std::string_view t) : t_(t) {}

    std::optional<JsonSyntaxError> run()
    {
        ws();
        if (!value(0)) return error_;
        ws();
        if (i_ < t_.size()) return fail("unexpected text after the JSON value");
        return std::nullopt;
    }

private:
    bool value(int depth)
    {
        if (depth > 512) return failB("nesting deeper than 512 levels");
        if (i_ >= t_.size()) return failB("unexpected end of text, expected a value");
        char c = t_[i_];
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return string();
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        if (word("true") || word("false") || word("null")) return true;
        return failB("expected a value (object, array, string, number, true, false or null)");
    }
    bool object(int depth)
    {
        ++i_;
        ws();
        if (peek('}')) return ++i_, true;
        for (;;) {
            ws();
            if (!peek('"')) return failB("expected a quoted key");
            if (!string()) return false;
            ws();
            if (!peek(':')) return failB("expected ':' after the key");
            ++i_;
            ws();
            if (!value(depth + 1)) return false;
            ws();
            if (peek(',')) {
                ++i_;
                continue;
            }
            if (peek('}')) return ++i_, true;
            return failB("expected ',' or '}'");
        }
    }
    bool array(int depth)
    {
        ++i_;
        ws();
        if (peek(']')) return ++i_, true;
        for (;;) {
            ws();
            if (!value(depth + 1)) return false;
            ws();
            if (peek(',')) {
                ++i_;
                continue;
            }
            if (peek(']')) return ++i_, true;
            return failB("expected ',' or ']'");
        }
    }
    bool string()
    {
        ++i_;
        while (i_ < t_.size()) {
            unsigned char c = static_cast<unsigned char>(t_[i_]);
            if (c == '"') return ++i_, true;
            if (c < 0x20) return failB("control character in a string (write \\n, \\t, ...)");
            if (c == '\\') {
                ++i_;
                if (i_ >= t_.size()) break;
                char e = t_[i_];
                if (e == 'u') {
                    for (int k = 1; k <= 4; ++k)
                        if (i_ + k >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[i_ + k])))
                            return failB("\\u needs four hex digits");
                    i_ += 4;
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return failB("unknown escape in a string");
                }
            }
            ++i_;
        }
        return failB("unterminated string");
    }
    bool number()
    {
        if (peek('-')) ++i_;
        if (peek('0')) {
            ++i_;
        } else if (!digits()) {
            return failB("expected digits");
        }
        if (peek('.')) {
            ++i_;
            if (!digits()) return failB("expected digits after '.'");
        }
        if (peek('e') || peek('E')) {
            ++i_;
            if (peek('+') || peek('-')) ++i_;
            if (!digits()) return failB("expected digits in the exponent");
        }
        return true;
    }
    bool digits()
    {
        size_t start = i_;
        while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
        return i_ > start;
    }
    bool word(std::string_view w)
    {
        if (t_.substr(i_, w.size()) != w) return false;
        i_ += w.size();
        return true;
    }
    bool peek(char c) const { return i_ < t_.size() && t_[i_] == c; }
    void ws()
    {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
    }
    JsonSyntaxError fail(const std::string& m)
    {
        JsonSyntaxError e;
        e.message = m;
        for (size_t k = 0; k < i_ && k < t_.size(); ++k) {
            if (t_[k] == '\n') {
                ++e.line;
                e.column = 1;
            } else {
                ++e.column;
            }
        }
        return e;
    }
    bool failB(const std::string& m)
    {
        error_ = fail(m);
        return false;
    }

    std::string_view t_;
    size_t i_ = 0;
    JsonSyntaxError error_;
};

} // namespace detail

/// The first syntax error of `text`, or nullopt when it is valid JSON.
inline std::optional<JsonSyntaxError> findJsonSyntaxError(std::string_view text)
{
    return detail::JsonSyntaxChecker(text).run();
}

} // namespace jiffy

#endif // JIFFY_JSON_SYNTAX_HPP
