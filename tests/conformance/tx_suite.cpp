// TransactionTests: {"txbytes": hex, "result": {fork: {"hash", "sender", "intrinsicGas"} or
// {"exception"}}}. We check the Cancun result. 61 of the 210 cases have no Cancun entry (they list
// forks up to London or Shanghai); every fork they list rejects them, and they are checked against
// the newest one, so they are run, not skipped. The fixtures are filled for chain id 1.
//
// A transaction is accepted when it decodes, passes the stateless Cancun checks and yields a
// sender; then its hash, sender, intrinsic gas and re-encoding must all match. A rejected one must
// be rejected for the fixture's reason (same_reason).

#include <array>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

#include "rollup/base/hex.hpp"
#include "rollup/types/transaction.hpp"
#include "suite.hpp"

namespace rollup::conformance {
namespace {

constexpr std::uint64_t k_fixture_chain_id = 1;

// Oldest to newest; "Cancun" is the target.
constexpr std::array<std::string_view, 14> k_forks = {
    "Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix",
    "Istanbul", "Berlin",    "London", "Paris",  "Shanghai",  "Cancun",         "Prague"};

const nlohmann::json& expectation(const nlohmann::json& result) {
  if (result.contains("Cancun")) return result.at("Cancun");
  for (auto fork = k_forks.rbegin(); fork != k_forks.rend(); ++fork) {
    if (*fork == "Prague") continue;  // after our target: its rules are not ours
    if (result.contains(*fork)) {
      const auto& r = result.at(*fork);
      if (!r.contains("exception")) {
        throw std::runtime_error("no Cancun result and an older fork accepts it");
      }
      return r;
    }
  }
  throw std::runtime_error("no result for Cancun or an earlier fork");
}

// The fixtures name why a transaction is invalid; a rejection passes only when our error says the
// same thing. Malformed-encoding classes map to any decoding error (the fixtures' RLP_* names split
// hairs that differ between clients, e.g. whether 0x00-prefixed nonces are "leading zeros" or
// "size").
bool same_reason(std::string_view exception, const Error& err) {
  using types::Errc;
  const std::string_view category = err.code().category().name();
  const auto is = [&](std::initializer_list<Errc> codes) {
    if (category != "types") return false;
    for (Errc c : codes) {
      if (err == c) return true;
    }
    return false;
  };
  if (exception.starts_with("TransactionException.")) exception.remove_prefix(21);
  const bool decoding = category == "rlp" ||
                        is({Errc::empty_input, Errc::invalid_envelope, Errc::unsupported_tx_type});
  if (exception.starts_with("RLP_") || exception.starts_with("ADDRESS_TOO_") ||
      (exception.ends_with("_OVERFLOW") && exception != "GASLIMIT_PRICE_PRODUCT_OVERFLOW") ||
      exception == "TYPE_NOT_SUPPORTED") {
    return decoding;
  }
  if (exception == "INVALID_CHAINID") {
    return is({Errc::wrong_chain_id, Errc::invalid_v, Errc::chain_id_too_large});
  }
  if (exception == "INVALID_SIGNATURE_VRS" || exception == "EC_RECOVERY_FAIL") {
    return is({Errc::invalid_signature, Errc::invalid_v, Errc::invalid_y_parity});
  }
  if (exception == "INTRINSIC_GAS_TOO_LOW") return is({Errc::intrinsic_gas_too_low});
  if (exception == "NONCE_TOO_BIG") return is({Errc::nonce_max});
  if (exception == "INITCODE_SIZE_EXCEEDED") return is({Errc::initcode_too_large});
  if (exception == "GASLIMIT_PRICE_PRODUCT_OVERFLOW") return is({Errc::gas_price_product_overflow});
  if (exception.starts_with("PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS")) {
    return is({Errc::priority_fee_above_max});
  }
  throw std::runtime_error("unknown exception class " + std::string(exception));
}

Result<std::pair<types::Transaction, Address>> accept(ByteView bytes) {
  ROLLUP_TRY(types::Transaction txn, types::decode_transaction(bytes));
  ROLLUP_TRY_VOID(types::check_transaction(txn, k_fixture_chain_id));
  ROLLUP_TRY(Address sender, types::recover_sender(txn));
  return std::pair{std::move(txn), sender};
}

}  // namespace

CaseResult run_tx_case(const nlohmann::json& test, std::string_view /*file*/) {
  const Bytes bytes = fixture_bytes(test.at("txbytes").get<std::string>());
  const nlohmann::json& want = expectation(test.at("result"));
  auto got = accept(bytes);

  if (want.contains("exception")) {
    const auto exception = want.at("exception").get<std::string>();
    if (got) return "accepted, expected " + exception;
    if (!same_reason(exception, got.error())) {
      return "rejected for another reason: " + got.error().message() + "; expected " + exception;
    }
    return std::nullopt;
  }
  if (!got) return "rejected valid transaction: " + got.error().message();

  const auto& [txn, sender] = *got;
  const Bytes want_hash = fixture_bytes(want.at("hash").get<std::string>());
  const Bytes want_sender = fixture_bytes(want.at("sender").get<std::string>());
  const std::uint64_t want_gas = fixture_u64(want.at("intrinsicGas").get<std::string>());

  if (!equal(types::transaction_hash(txn).view(), want_hash)) {
    return "hash " + hex::encode(types::transaction_hash(txn)) + ", want " + hex::encode(want_hash);
  }
  if (!equal(sender.view(), want_sender)) {
    return "sender " + hex::encode(sender) + ", want " + hex::encode(want_sender);
  }
  if (types::intrinsic_gas(txn) != want_gas) {
    return "intrinsic gas " + std::to_string(types::intrinsic_gas(txn)) + ", want " +
           std::to_string(want_gas);
  }
  if (!equal(types::encode_transaction(txn), bytes)) return "re-encoding differs from txbytes";
  return std::nullopt;
}

}  // namespace rollup::conformance
