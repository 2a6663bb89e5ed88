// A bounded per-connection cache of prepared statements keyed by their text,
// the least recently used going first. What an entry holds is the plugin's
// (a statement handle, a server-side statement name); releasing an entry on
// the server is the caller's, with what makeRoom() and take() hand back.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace jiffy::support {

template <class T> class StatementCache {
public:
    /// Holds at most `capacity` entries (at least one).
    explicit StatementCache(size_t capacity) : capacity_(capacity ? capacity : 1) {}

    /// The entry of `key`, now the most recently used; nullptr when there is none.
    T* find(const std::string& key)
    {
        auto it = entries_.find(key);
        if (it == entries_.end()) return nullptr;
        order_.splice(order_.begin(), order_, it->second.pos);
        return &it->second.value;
    }

    /// When the cache is full: takes out the least recently used entry and
    /// hands it back; nullopt while there is room.
    std::optional<T> makeRoom()
    {
        if (entries_.size() < capacity_ || order_.empty()) return std::nullopt;
        return take(std::string(order_.back()));
    }

    /// Adds (or replaces) the entry of `key` as the most recently used.
    T& add(const std::string& key, T value)
    {
        take(key);
        order_.push_front(key);
        return entries_.emplace(key, Entry{std::move(value), order_.begin()}).first->second.value;
    }

    /// Takes out the entry of `key`, handing it back; nullopt when there is none.
    std::optional<T> take(const std::string& key)
    {
        auto it = entries_.find(key);
        if (it == entries_.end()) return std::nullopt;
        std::optional<T> value(std::move(it->second.value));
        order_.erase(it->second.pos);
        entries_.erase(it);
        return value;
    }

    void clear()
    {
        entries_.clear();
        order_.clear();
    }

    size_t size() const { return entries_.size(); }

private:
    struct Entry {
        T value;
        std::list<std::string>::iterator pos;
    };

    size_t capacity_;
    std::list<std::string> order_; ///< keys, most recently used first
    std::unordered_map<std::string, Entry> entries_;
};

} // namespace jiffy::support
