// jiffy::findJsonSyntaxError (sdk/include/jiffy/json_syntax.hpp) on any bytes:
// no crash, no over-read, and the position it reports lies inside the text
// (line within the text's lines, column within that line plus one).
#include "FuzzSupport.h"

#include <jiffy/json_syntax.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view t = jiffy::fuzz::text(data, size);
    auto err = jiffy::findJsonSyntaxError(t);
    if (!err) return 0;
    if (err->message.empty()) jiffy::fuzz::violated("an error without a message");
    size_t line = 1, lineStart = 0;
    for (size_t i = 0; i < t.size(); ++i)
        if (t[i] == '\n') ++line, lineStart = i + 1;
    if (err->line < 1 || err->line > line) jiffy::fuzz::violated("line out of range", err->message);
    if (err->column < 1) jiffy::fuzz::violated("column 0", err->message);
    if (err->line == line && err->column > t.size() - lineStart + 1)
        jiffy::fuzz::violated("column past the end of the last line", err->message);
    return 0;
}
