// https: the peer's certificate is verified (chain and name), SNI goes out for host names, and a
// refused certificate is a failure that no retry can fix.

#include <gtest/gtest.h>

#include "rollup/l1/client.hpp"
#include "unit/l1/fake_node.hpp"
#include "unit/l1/tls_cert.hpp"

namespace rollup::l1 {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using test::FakeNode;

ClientOptions https(const std::string& host, std::uint16_t port, std::string ca_file) {
  ClientOptions options;
  options.url = "https://" + host + ":" + std::to_string(port) + "/";
  options.ca_file = std::move(ca_file);
  options.timeout = 2s;
  options.connect_timeout = 2s;
  options.max_attempts = 3;
  options.backoff_initial = 10ms;
  options.backoff_max = 20ms;
  return options;
}

class Https : public ::testing::Test {
 protected:
  Https()
      : m_identity(test::make_tls_identity("DNS:localhost,IP:127.0.0.1")),
        m_ca_file(test::write_ca_file(m_identity, "l1-https")),
        m_node(test::echo(), 0, &m_identity) {}

  test::TlsIdentity m_identity;
  std::string m_ca_file;
  FakeNode m_node;
};

TEST_F(Https, TrustedCertificateByNameSendsSniAndKeepsTheConnection) {
  auto client = std::move(*Client::create(https("localhost", m_node.port(), m_ca_file)));
  for (int i = 0; i < 3; ++i) {
    const auto answer = client->call("echo", json::array({i}));
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(*answer, json::array({i}));
  }
  EXPECT_EQ(m_node.server_name(), "localhost");
  EXPECT_EQ(m_node.connections(), 1);
}

TEST_F(Https, IpLiteralIsCheckedWithoutSni) {
  auto client = std::move(*Client::create(https("127.0.0.1", m_node.port(), m_ca_file)));
  const auto answer = client->call("echo", json::array({1}));
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(m_node.server_name(), "");
}

TEST_F(Https, UntrustedCertificateIsRefusedWithoutRetry) {
  // The system store does not know our certificate.
  auto client = std::move(*Client::create(https("localhost", m_node.port(), "")));
  const auto answer = client->call("echo", json::array());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::unreachable);
  EXPECT_NE(answer.error().detail().find("TLS handshake"), std::string::npos);
  EXPECT_EQ(m_node.requests(), 0);
  EXPECT_EQ(m_node.connections(), 1);
}

TEST(HttpsName, CertificateForAnotherNameIsRefused) {
  const auto identity = test::make_tls_identity("DNS:l1.example.org");
  const std::string ca_file = test::write_ca_file(identity, "l1-other-name");
  FakeNode node(test::echo(), 0, &identity);
  auto client = std::move(*Client::create(https("localhost", node.port(), ca_file)));
  const auto answer = client->call("echo", json::array());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::unreachable);
  EXPECT_EQ(node.requests(), 0);
  EXPECT_EQ(node.connections(), 1);
}

}  // namespace
}  // namespace rollup::l1
