#include "http/TlsContext.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace jiffy::host {
namespace {

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only.
const char* kCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                       "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                       "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string asn1Time(const ASN1_TIME* t)
{
    BIO* b = BIO_new(BIO_s_mem());
    ASN1_TIME_print(b, t);
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(b);
    return out;
}

struct Loaded {
    X509* cert = nullptr;
    STACK_OF(X509) * chain = nullptr;
    EVP_PKEY* key = nullptr;
    ~Loaded()
    {
        X509_free(cert);
        sk_X509_pop_free(chain, X509_free);
        EVP_PKEY_free(key);
    }
};

/// Reads the pair; appends a message per problem.
void readPair(const std::string& certFile, const std::string& keyFile, Loaded& out, std::vector<std::string>& problems)
{
    BIO* cb = BIO_new_file(certFile.c_str(), "r");
    if (!cb) {
        problems.push_back("cert_file: cannot read \"" + certFile + "\"");
    } else {
        out.cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
        if (!out.cert) {
            problems.push_back("cert_file: \"" + certFile + "\" holds no PEM certificate");
        } else {
            out.chain = sk_X509_new_null();
            while (X509* extra = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr)) sk_X509_push(out.chain, extra);
        }
        BIO_free(cb);
    }
    BIO* kb = BIO_new_file(keyFile.c_str(), "r");
    if (!kb) {
        problems.push_back("key_file: cannot read \"" + keyFile + "\"");
    } else {
        out.key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
        if (!out.key) problems.push_back("key_file: \"" + keyFile + "\" holds no PEM private key (or it is encrypted)");
        BIO_free(kb);
    }
    ERR_clear_error();
    if (!out.cert || !out.key) return;
    if (X509_check_private_key(out.cert, out.key) != 1)
        problems.push_back("key_file: \"" + keyFile + "\" does not match the certificate in cert_file \"" + certFile +
                           "\"");
    if (X509_cmp_current_time(X509_get0_notAfter(out.cert)) < 0)
        problems.push_back("cert_file: \"" + certFile + "\" expired on " + asn1Time(X509_get0_notAfter(out.cert)));
    if (X509_cmp_current_time(X509_get0_notBefore(out.cert)) > 0)
        problems.push_back("cert_file: \"" + certFile + "\" is not valid before " +
                           asn1Time(X509_get0_notBefore(out.cert)));
    if (EVP_PKEY_base_id(out.key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(out.key) < 2048)
        problems.push_back("key_file: \"" + keyFile + "\" is an RSA key of " +
                           std::to_string(EVP_PKEY_get_bits(out.key)) + " bits; at least 2048 are needed");
    ERR_clear_error();
}

std::string joinLines(const std::vector<std::string>& lines)
{
    std::string s;
    for (const auto& l : lines) s += (s.empty() ? "" : "\n") + l;
    return s;
}

} // namespace

struct TlsServerContext::Pair {
    Loaded l;
};

std::vector<std::string> checkTlsFiles(const std::string& certFile, const std::string& keyFile)
{
    std::vector<std::string> problems;
    Loaded l;
    readPair(certFile, keyFile, l, problems);
    return problems;
}

const char* TlsServerContext::cipherList()
{
    return kCiphers;
}

std::shared_ptr<const TlsServerContext::Pair> TlsServerContext::load(const std::string& certFile,
                                                                     const std::string& keyFile)
{
    auto p = std::make_shared<Pair>();
    std::vector<std::string> problems;
    readPair(certFile, keyFile, p->l, problems);
    if (!problems.empty()) throw std::invalid_argument(joinLines(problems));
    return p;
}

TlsServerContext::TlsServerContext(const std::string& certFile, const std::string& keyFile)
{
    current_ = load(certFile, keyFile);
    ctx_ = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, keyFile, certFile, "",
                                  Poco::Net::Context::VERIFY_NONE, 9, false, kCiphers);
    ctx_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    SSL_CTX* ssl = ctx_->sslContext();
    SSL_CTX_set_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_cert_cb(ssl, &TlsServerContext::selectCertificate, this);
}

TlsServerContext::~TlsServerContext()
{
    if (ctx_) SSL_CTX_set_cert_cb(ctx_->sslContext(), nullptr, nullptr);
}

void TlsServerContext::reload(const std::string& certFile, const std::string& keyFile)
{
    std::atomic_store(&current_, load(certFile, keyFile));
}

int TlsServerContext::selectCertificate(ssl_st* ssl, void* self)
{
    // Runs in each handshake: the pair loaded last wins, without any lock.
    std::shared_ptr<const Pair> p = std::atomic_load(&static_cast<TlsServerContext*>(self)->current_);
    if (!p) return 1;
    return SSL_use_cert_and_key(ssl, p->l.cert, p->l.key, p->l.chain, 1) == 1 ? 1 : 0;
}

} // namespace jiffy::host
