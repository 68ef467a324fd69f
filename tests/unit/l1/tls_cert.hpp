#pragma once
// A self-signed certificate made at run time for the HTTPS tests, so that no key sits in the tree
// and nothing expires: an EC P-256 key and an X.509 certificate valid for an hour, for the given
// subjectAltName entries ("DNS:localhost,IP:127.0.0.1").

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <string>

namespace rollup::l1::test {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
};

namespace detail {
inline std::string drain(BIO* bio) {
  char* data = nullptr;
  // BIO_get_mem_data is a macro with a C cast; this is what it expands to.
  const long n = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
  return std::string(data, static_cast<std::size_t>(n));
}
}  // namespace detail

inline TlsIdentity make_tls_identity(const std::string& alt_names) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  EXPECT_TRUE(key && cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("rollupd l1 test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, alt_names.c_str());
  EXPECT_NE(san, nullptr);
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  EXPECT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);

  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return {detail::drain(cert_bio.get()), detail::drain(key_bio.get())};
}

// Writes the certificate where a ClientOptions::ca_file can name it.
inline std::string write_ca_file(const TlsIdentity& identity, const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name + ".pem";
  std::ofstream(path) << identity.cert_pem;
  return path;
}

}  // namespace rollup::l1::test
