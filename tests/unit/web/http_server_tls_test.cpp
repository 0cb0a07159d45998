// The server with TLS from a real certificate and key: a certificate made here with OpenSSL
// (P-256, self-signed for 127.0.0.1), a TLS 1.2+ client over loopback, and the refusals of a
// plaintext request on the TLS port and of unusable certificate or key files.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "support/http_client.h"
#include "web/http_server.h"

namespace yimen::web {
namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Ctx = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using Ssl = std::unique_ptr<SSL, Deleter<SSL, SSL_free>>;

// A P-256 key and a certificate for 127.0.0.1 it signs itself, valid for a day.
struct SelfSigned {
  Key key{EVP_EC_gen("P-256")};
  Cert cert{X509_new()};

  SelfSigned() {
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_sign(cert.get(), key.get(), EVP_sha256());
  }

  void write(const fs::path& cert_file, const fs::path& key_file) const {
    FILE* c = std::fopen(cert_file.c_str(), "w");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(PEM_write_X509(c, cert.get()), 1);
    std::fclose(c);
    FILE* k = std::fopen(key_file.c_str(), "w");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::fclose(k);
  }
};

using yimen::testing::connect_loopback;

class HttpServerTls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("yimen-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    cert_file_ = dir_ / "cert.pem";
    key_file_ = dir_ / "key.pem";
    pair_.write(cert_file_, key_file_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<std::unique_ptr<HttpServer>> start(const fs::path& cert, const fs::path& key) {
    ServerOptions o;
    o.tls = TlsFiles{cert, key};
    return HttpServer::start(o, [](const HttpRequest& r) {
      HttpResponse response;
      response.content_type = "text/plain";
      response.body = r.method + " " + r.path + (r.tls ? " over tls" : " in clear");
      return response;
    });
  }

  fs::path dir_, cert_file_, key_file_;
  SelfSigned pair_;
};

TEST_F(HttpServerTls, ServesOverTlsWithTheConfiguredCertificate) {
  auto server = start(cert_file_, key_file_);
  ASSERT_TRUE(server.ok()) << server.status().message();

  Ctx ctx(SSL_CTX_new(TLS_client_method()));
  ASSERT_TRUE(ctx);
  // The server refuses anything older than TLS 1.2: a client capped at 1.1 fails.
  {
    Ctx old(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(old.get(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(old.get(), TLS1_1_VERSION);
    const int fd = connect_loopback((*server)->port());
    ASSERT_GE(fd, 0);
    Ssl ssl(SSL_new(old.get()));
    SSL_set_fd(ssl.get(), fd);
    EXPECT_NE(SSL_connect(ssl.get()), 1);
    ::close(fd);
  }
  // It trusts exactly this certificate.
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), pair_.cert.get());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  const int fd = connect_loopback((*server)->port());
  ASSERT_GE(fd, 0);
  Ssl ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  ASSERT_EQ(SSL_connect(ssl.get()), 1);
  EXPECT_GE(SSL_version(ssl.get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_get_verify_result(ssl.get()), X509_V_OK);

  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())),
            static_cast<int>(request.size()));
  std::string answer;
  char buf[4096];
  while (answer.find("over tls") == std::string::npos &&
         answer.find("in clear") == std::string::npos) {
    const int n = SSL_read(ssl.get(), buf, sizeof buf);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("GET /healthz over tls"), std::string::npos) << answer;
  SSL_shutdown(ssl.get());
  ::close(fd);

  // A request in clear on the TLS port gets no HTTP answer.
  const int plain = connect_loopback((*server)->port());
  ASSERT_GE(plain, 0);
  ::send(plain, request.data(), request.size(), MSG_NOSIGNAL);
  std::string got;
  for (;;) {
    const auto n = ::recv(plain, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got.find("HTTP/1.1 200"), std::string::npos) << got;
  ::close(plain);
}

TEST_F(HttpServerTls, UnusableFilesAreRefusedNamingTheFile) {
  auto missing = start(dir_ / "none.pem", key_file_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("web TLS certificate " + (dir_ / "none.pem").string()),
            std::string::npos)
      << missing.status().message();

  std::ofstream(dir_ / "garbage.pem") << "-----BEGIN CERTIFICATE-----\nnot base64\n";
  auto garbage = start(dir_ / "garbage.pem", key_file_);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("garbage.pem"), std::string::npos);

  // A key that is not the certificate's.
  const SelfSigned other;
  other.write(dir_ / "other-cert.pem", dir_ / "other-key.pem");
  auto mismatched = start(cert_file_, dir_ / "other-key.pem");
  ASSERT_FALSE(mismatched.ok());
  // (OpenSSL says why: "key values mismatch".)
  EXPECT_EQ(mismatched.status().message().rfind(
                "web TLS key " + (dir_ / "other-key.pem").string() + ": ", 0),
            0u)
      << mismatched.status().message();
}

}  // namespace
}  // namespace yimen::web
