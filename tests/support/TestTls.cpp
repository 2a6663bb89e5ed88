#include "support/TestTls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace jiffy::test {
namespace {

EVP_PKEY* newKey(int rsaBits)
{
    EVP_PKEY* k = rsaBits > 0 ? EVP_RSA_gen(static_cast<unsigned>(rsaBits)) : EVP_EC_gen("P-256");
    if (!k) throw std::runtime_error("cannot generate a test key");
    return k;
}

void writePem(const std::string& file, X509* cert, EVP_PKEY* key)
{
    FILE* f = std::fopen(file.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write " + file);
    if (cert) PEM_write_X509(f, cert);
    if (key) PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

void addExt(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) throw std::runtime_error("cannot make a certificate extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

X509* makeCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey, long fromS, long toS,
               long serial, bool ca)
{
    X509* c = X509_new();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
    X509_gmtime_adj(X509_getm_notBefore(c), fromS);
    X509_gmtime_adj(X509_getm_notAfter(c), toS);
    X509_set_pubkey(c, key);
    X509_NAME* name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
    if (ca) {
        addExt(c, issuer ? issuer : c, NID_basic_constraints, "critical,CA:TRUE");
        addExt(c, issuer ? issuer : c, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        addExt(c, issuer, NID_subject_alt_name, ("IP:" + cn + ",DNS:localhost").c_str());
        addExt(c, issuer, NID_ext_key_usage, "serverAuth");
    }
    X509_sign(c, issuerKey ? issuerKey : key, EVP_sha256());
    return c;
}

} // namespace

struct TestCa::Impl {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    ~Impl()
    {
        X509_free(cert);
        EVP_PKEY_free(key);
    }
};

TestCa::TestCa(const std::string& dir) : impl_(std::make_unique<Impl>()), caCert_(dir + "/ca.crt")
{
    impl_->key = newKey(0);
    impl_->cert = makeCert("jiffy test CA", impl_->key, nullptr, nullptr, -3600, 86400, 1, true);
    writePem(caCert_, impl_->cert, nullptr);
}

TestCa::~TestCa() = default;

void TestCa::issue(const std::string& certFile, const std::string& keyFile, const std::string& cn, long fromS, long toS,
                   long serial, int rsaBits) const
{
    EVP_PKEY* key = newKey(rsaBits);
    X509* c = makeCert(cn, key, impl_->cert, impl_->key, fromS, toS, serial, false);
    writePem(certFile, c, nullptr);
    writePem(keyFile, nullptr, key);
    X509_free(c);
    EVP_PKEY_free(key);
}

struct TlsClient::Impl {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    int fd = -1;
    ~Impl()
    {
        if (ssl) {
            SSL_shutdown(ssl);
            SSL_free(ssl);
        }
        if (fd >= 0) ::close(fd);
        SSL_CTX_free(ctx);
    }
};

TlsClient::TlsClient(uint16_t port, const std::string& caFile, int minVersion, int maxVersion)
    : impl_(std::make_unique<Impl>())
{
    impl_->ctx = SSL_CTX_new(TLS_client_method());
    if (minVersion || maxVersion) {
        // Debian's OpenSSL refuses TLS < 1.2 on the client side too; lower
        // our own bar so that a refusal can only come from the server.
        SSL_CTX_set_security_level(impl_->ctx, 0);
        SSL_CTX_set_cipher_list(impl_->ctx, "ALL:@SECLEVEL=0");
    }
    if (minVersion) SSL_CTX_set_min_proto_version(impl_->ctx, minVersion);
    if (maxVersion) SSL_CTX_set_max_proto_version(impl_->ctx, maxVersion);
    SSL_CTX_load_verify_locations(impl_->ctx, caFile.c_str(), nullptr);
    SSL_CTX_set_verify(impl_->ctx, SSL_VERIFY_PEER, nullptr);
    impl_->fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(impl_->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(impl_->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(impl_->fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        error_ = "connect failed";
        return;
    }
    impl_->ssl = SSL_new(impl_->ctx);
    SSL_set_fd(impl_->ssl, impl_->fd);
    SSL_set1_host(impl_->ssl, "127.0.0.1");
    if (SSL_connect(impl_->ssl) != 1) {
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        error_ = buf;
        return;
    }
    connected_ = true;
}

TlsClient::~TlsClient() = default;

std::string TlsClient::peerSerial() const
{
    if (!connected_) return {};
    X509* c = SSL_get1_peer_certificate(impl_->ssl);
    if (!c) return {};
    long serial = ASN1_INTEGER_get(X509_get_serialNumber(c));
    X509_free(c);
    return std::to_string(serial);
}

std::string TlsClient::request(const std::string& method, const std::string& path, const std::string& body)
{
    if (!connected_) return {};
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n";
    if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    if (SSL_write(impl_->ssl, req.data(), static_cast<int>(req.size())) <= 0) return {};
    std::string resp;
    char buf[4096];
    // Headers, then exactly Content-Length bytes: the connection stays usable.
    for (;;) {
        size_t end = resp.find("\r\n\r\n");
        if (end != std::string::npos) {
            size_t cl = resp.find("Content-Length: ");
            size_t len = cl == std::string::npos ? 0 : std::stoul(resp.substr(cl + 16));
            if (resp.size() >= end + 4 + len) return resp;
        }
        int n = SSL_read(impl_->ssl, buf, sizeof buf);
        if (n <= 0) return resp;
        resp.append(buf, static_cast<size_t>(n));
    }
}

} // namespace jiffy::test
