// Messages of our extension path /x/v1 (see Protocol.h). Gob like the Go
// protocol, so one codec serves both, and new fields can be added later:
// gob ignores fields a receiver does not know.
//
//   type ExtRequest struct { Op string; Key string; Value []byte; Expected []byte; TtlMs int64; Delta int64 }
//   type ExtReply   struct { Status string; Value []byte; Number int64; Message string; Features string; IdleMs int64 }
//
// Ops: HELLO (Number = version, Features, IdleMs = how long the server keeps
// an idle connection), GET, SET, ADD, CAS, DEL, INCR (Number = new value).
// TtlMs <= 0 means no expiry.
#pragma once

#include "gob/GobSchema.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy::sluggo {

namespace ext {
inline constexpr std::string_view kHello = "HELLO";
inline constexpr std::string_view kGet = "GET";
inline constexpr std::string_view kSet = "SET";
inline constexpr std::string_view kAdd = "ADD";
inline constexpr std::string_view kCas = "CAS";
inline constexpr std::string_view kDel = "DEL";
inline constexpr std::string_view kIncr = "INCR";

inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kConflict = "conflict";
inline constexpr std::string_view kInvalid = "invalid";
inline constexpr std::string_view kFull = "full";
inline constexpr std::string_view kUnavailable = "unavailable"; ///< e.g. shutting down
inline constexpr std::string_view kError = "error";

/// Features a version-1 server offers (space separated in ExtReply.Features).
inline constexpr std::string_view kFeatures = "ttl add cas incr keepalive";
} // namespace ext

struct ExtRequest {
    std::string op;
    std::string key;
    std::string value;
    std::string expected;
    int64_t ttlMs = 0;
    int64_t delta = 0;
};

struct ExtReply {
    std::string status;
    std::string value;
    int64_t number = 0;
    std::string message;
    std::string features;
    int64_t idleMs = 0;
};

const gob::StructDef& extRequestDef();
const gob::StructDef& extReplyDef();

std::string encodeExtRequest(const ExtRequest& r);
ExtRequest decodeExtRequest(std::string_view stream);
std::string encodeExtReply(const ExtReply& r);
ExtReply decodeExtReply(std::string_view stream);

} // namespace jiffy::sluggo
