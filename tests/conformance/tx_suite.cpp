// TransactionTests: {"txbytes": hex, "result": {fork: {"hash", "sender", "intrinsicGas"} or
// {"exception"}}}. We check the Cancun result. The few cases with no Cancun entry are malformed-RLP
// cases that every listed fork rejects; they are checked against the newest fork they list, so they
// are run, not skipped. The fixtures are filled for chain id 1.
//
// A transaction is accepted when it decodes, passes the stateless Cancun checks and yields a sender;
// then its hash, sender, intrinsic gas and re-encoding must all match.

#include <array>
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
    "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun", "Prague"};

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

Result<std::pair<types::Transaction, Address>> accept(ByteView bytes) {
  ROLLUP_TRY(types::Transaction txn, types::decode_transaction(bytes));
  ROLLUP_TRY_VOID(types::check_transaction(txn, k_fixture_chain_id));
  ROLLUP_TRY(Address sender, types::recover_sender(txn));
  return std::pair{std::move(txn), sender};
}

}  // namespace

CaseResult run_tx_case(const nlohmann::json& test) {
  const Bytes bytes = fixture_bytes(test.at("txbytes").get<std::string>());
  const nlohmann::json& want = expectation(test.at("result"));
  auto got = accept(bytes);

  if (want.contains("exception")) {
    if (got) return "accepted, expected " + want.at("exception").get<std::string>();
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
