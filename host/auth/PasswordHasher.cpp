#include "auth/PasswordHasher.h"

#include <argon2.h>
#include <crypt.h>
#include <sys/random.h>

#include <Poco/Exception.h>

#include <cstring>
#include <memory>
#include <vector>

namespace jiffy::host::auth {
namespace {

bool isBcrypt(const std::string& h)
{
    return h.size() == 60 && h[0] == '$' && h[1] == '2' && (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') && h[3] == '$';
}

bool isArgon2id(const std::string& h)
{
    return h.rfind("$argon2id$", 0) == 0;
}

int bcryptCost(const std::string& h)
{
    return std::atoi(h.substr(4, 2).c_str());
}

void randomBytes(unsigned char* out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::getrandom(out + got, n - got, 0);
        if (r < 0) throw Poco::SystemException("getrandom failed");
        got += static_cast<size_t>(r);
    }
}

} // namespace

bool constantTimeEquals(const std::string& a, const std::string& b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

PasswordHasher::PasswordHasher(const AuthConfig& cfg, std::string pepper) : cfg_(cfg), pepper_(std::move(pepper))
{
    // The timing-equalisation hash is made on first use, not here: nothing
    // slow runs before the server listens.
}

std::string PasswordHasher::bcrypt(const std::string& input, const std::string& setting) const
{
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* out = crypt_rn(input.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
    if (!out || out[0] == '*') return {};
    return out;
}

std::string PasswordHasher::hash(const std::string& password) const
{
    const std::string input = password + pepper_;
    if (cfg_.passwordHash == "argon2id") {
        unsigned char salt[16];
        randomBytes(salt, sizeof salt);
        const uint32_t t = static_cast<uint32_t>(cfg_.argon2TimeCost), m = static_cast<uint32_t>(cfg_.argon2MemoryKiB),
                       p = static_cast<uint32_t>(cfg_.argon2Parallelism);
        std::vector<char> encoded(argon2_encodedlen(t, m, p, sizeof salt, 32, Argon2_id) + 1);
        int rc = argon2id_hash_encoded(t, m, p, input.data(), input.size(), salt, sizeof salt, 32, encoded.data(),
                                       encoded.size());
        if (rc != ARGON2_OK) throw Poco::RuntimeException(std::string("argon2id: ") + argon2_error_message(rc));
        return encoded.data();
    }
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cfg_.bcryptCost), nullptr, 0, setting, sizeof setting))
        throw Poco::RuntimeException("bcrypt: cannot make a salt");
    std::string h = bcrypt(input, setting);
    if (h.empty()) throw Poco::RuntimeException("bcrypt: hashing failed");
    return h;
}

bool PasswordHasher::verify(const std::string& stored, const std::string& password) const
{
    const std::string input = password + pepper_;
    if (isBcrypt(stored)) return constantTimeEquals(bcrypt(input, stored), stored);
    if (isArgon2id(stored)) return argon2id_verify(stored.c_str(), input.data(), input.size()) == ARGON2_OK;
    return false;
}

bool PasswordHasher::needsUpgrade(const std::string& stored) const
{
    if (cfg_.passwordHash == "argon2id") {
        std::string want = "$argon2id$v=19$m=" + std::to_string(cfg_.argon2MemoryKiB) +
                           ",t=" + std::to_string(cfg_.argon2TimeCost) +
                           ",p=" + std::to_string(cfg_.argon2Parallelism) + "$";
        return stored.rfind(want, 0) != 0;
    }
    return !isBcrypt(stored) || bcryptCost(stored) < cfg_.bcryptCost;
}

void PasswordHasher::burn(const std::string& password) const
{
    std::call_once(dummyOnce_, [this] { dummy_ = hash("timing-equalizer"); });
    (void)verify(dummy_, password);
}

} // namespace jiffy::host::auth
