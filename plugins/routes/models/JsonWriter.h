// Writes JSON the way Go's encoding/json does, so that a jiffy client sees
// byte-identical output: <, > and & escaped as \u003c \u003e \u0026,
// U+2028/2029 escaped, invalid UTF-8 replaced by U+FFFD, '/' not escaped,
// floats in the shortest form that round-trips.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy::models {

class JsonWriter {
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    /// Writes `"key":` (a separator first when needed).
    JsonWriter& key(std::string_view k);
    JsonWriter& string(std::string_view s);
    JsonWriter& integer(int64_t v);
    JsonWriter& number(double v);
    JsonWriter& boolean(bool b);
    JsonWriter& null();

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

    /// The JSON string literal for `s` (with quotes).
    static std::string quote(std::string_view s);

private:
    void separate();
    std::string out_;
    bool needComma_ = false;
};

} // namespace jiffy::models
