// The TLS side of the HTTP server (env "prod"): a Poco server context with
// TLS 1.2 or newer and a modern cipher list, whose certificate and key can
// be replaced while serving (SIGHUP): new handshakes get the new pair, open
// connections keep theirs. Also the checks --check-config and the start make
// on cert_file/key_file.
#pragma once

#include <Poco/Net/Context.h>

#include <memory>
#include <string>
#include <vector>

namespace jiffy::host {

/// Every problem with the pair (unreadable, not PEM, key and certificate
/// not matching, expired or not yet valid, RSA under 2048 bits), each naming
/// the config key and the file; empty when the pair is usable.
std::vector<std::string> checkTlsFiles(const std::string& certFile, const std::string& keyFile);

class TlsServerContext {
public:
    /// Throws std::invalid_argument listing checkTlsFiles' problems.
    TlsServerContext(const std::string& certFile, const std::string& keyFile);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext&) = delete;
    TlsServerContext& operator=(const TlsServerContext&) = delete;

    Poco::Net::Context::Ptr context() const { return ctx_; }
    /// Serves new handshakes with this pair; throws std::invalid_argument
    /// (keeping the current pair) when it is not usable.
    void reload(const std::string& certFile, const std::string& keyFile);

    /// The cipher list for TLS 1.2 (TLS 1.3 uses OpenSSL's default suites).
    static const char* cipherList();

private:
    struct Pair;
    static std::shared_ptr<const Pair> load(const std::string& certFile, const std::string& keyFile);
    static int selectCertificate(struct ssl_st* ssl, void* self);

    Poco::Net::Context::Ptr ctx_;
    std::shared_ptr<const Pair> current_; ///< read and replaced with std::atomic_load/store
};

} // namespace jiffy::host
