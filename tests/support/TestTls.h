// TLS for tests, on OpenSSL directly: a throw-away certificate authority
// that issues server certificates with chosen validity, and a small client
// that can force a protocol version, report the peer's certificate and send
// HTTP requests over one connection.
#pragma once

#include <memory>
#include <string>

namespace jiffy::test {

/// A CA made in `dir` (ca.crt, ca.key); issues certificates signed by it.
class TestCa {
public:
    explicit TestCa(const std::string& dir);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    const std::string& certFile() const { return caCert_; }
    /// Writes a certificate for `cn` (also its IP/DNS subjectAltName) and its
    /// key; valid from now+`fromS` to now+`toS` seconds; EC P-256 unless
    /// `rsaBits` > 0. `serial` ends up in the certificate.
    void issue(const std::string& certFile, const std::string& keyFile, const std::string& cn, long fromS, long toS,
               long serial, int rsaBits = 0) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string caCert_;
};

/// One TLS connection to 127.0.0.1:port, verifying against `caFile`.
class TlsClient {
public:
    /// `maxVersion`/`minVersion` are OpenSSL's TLS1_VERSION ... TLS1_3_VERSION
    /// (0 = library default); forcing an old version also lowers the client's
    /// own security level so that only the server can refuse it.
    TlsClient(uint16_t port, const std::string& caFile, int minVersion = 0, int maxVersion = 0);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    /// True when the handshake succeeded; error() says why not.
    bool connected() const { return connected_; }
    const std::string& error() const { return error_; }
    /// Serial number of the server's certificate (decimal).
    std::string peerSerial() const;
    /// GET `path` with keep-alive on this connection; the raw response ("" on failure).
    std::string get(const std::string& path) { return request("GET", path, ""); }
    /// POST `body` to `path` on this connection; the raw response.
    std::string post(const std::string& path, const std::string& body) { return request("POST", path, body); }
    std::string request(const std::string& method, const std::string& path, const std::string& body);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool connected_ = false;
    std::string error_;
};

} // namespace jiffy::test
