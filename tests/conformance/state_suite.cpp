// GeneralStateTests: one transaction on a given state, under Cancun rules. A case is one entry of
// post.Cancun (a data/gas/value index triple); it passes when the state root after the
// transaction and the hash of its logs both match, or, for a transaction the fixture expects to
// be refused, when we refuse it too and the state is unchanged.
//
// The transaction is the entry's txbytes, decoded and its sender recovered, so the case checks
// the decoder and the signature rules along with the EVM. Ethereum's own fee rules apply (the base
// fee is burnt, chain id 1); the block hash of block n is keccak256 of n in decimal, as the
// fixtures were generated.

#include <map>
#include <stdexcept>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/execution/executor.hpp"
#include "rollup/state/state_trie.hpp"
#include "rollup/trie/trie.hpp"
#include "rollup/types/receipt.hpp"
#include "rollup/types/transaction.hpp"
#include "suite.hpp"
#include "support/memory_state.hpp"

namespace rollup::conformance {
namespace {

using Json = nlohmann::json;

uint256 fixture_u256(const Json& value) {
  const Bytes bytes = fixture_bytes(value.get<std::string>());
  if (bytes.size() > 32) {
    // Some fixtures write numbers with leading zero bytes beyond 32; they must be zero.
    for (std::size_t i = 0; i + 32 < bytes.size(); ++i) {
      if (bytes[i] != 0) throw std::runtime_error("fixture number exceeds 256 bits");
    }
    return uint256::from_be(ByteView(bytes).subspan(bytes.size() - 32));
  }
  return uint256::from_be(bytes);
}

template <std::size_t N>
FixedBytes<N> fixture_fixed(const Json& value) {
  const Bytes bytes = fixture_bytes(value.get<std::string>());
  if (bytes.size() > N) throw std::runtime_error("fixture value too long");
  FixedBytes<N> out;
  std::copy(bytes.begin(), bytes.end(), out.bytes.begin() + (N - bytes.size()));
  return out;
}

// EIP-4844's fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess, UPDATE_FRACTION).
uint256 blob_base_fee(const uint256& excess) {
  const uint256 factor = 1;
  const uint256 denominator = 3338477;
  uint256 output = 0;
  uint256 accumulator = factor * denominator;
  for (std::uint64_t i = 1; !accumulator.is_zero(); ++i) {
    output += accumulator;
    accumulator = accumulator * excess / (denominator * uint256(i));
  }
  return output / denominator;
}

Hash logs_hash(const std::vector<types::Log>& logs) {
  return crypto::keccak256(types::encode_logs(logs));
}

struct PreState {
  testing::AccountsState view;  // storage roots from the trie that committed it
  trie::MemoryNodeStore nodes;
  Hash root;
};

void load_pre(const Json& pre, PreState& out) {
  state::StateDiff diff;
  for (const auto& [address_text, a] : pre.items()) {
    state::AccountDiff d;
    d.address = fixture_fixed<20>(Json(address_text));
    types::Account account;
    account.nonce = fixture_u64(a.at("nonce").get<std::string>());
    account.balance = fixture_u256(a.at("balance"));
    const Bytes code = fixture_bytes(a.at("code").get<std::string>());
    if (!code.empty()) {
      account.code_hash = crypto::keccak256(code);
      d.code = code;
      out.view.codes[account.code_hash] = code;
    }
    for (const auto& [slot_text, value_text] : a.at("storage").items()) {
      const Hash slot = fixture_fixed<32>(Json(slot_text));
      const uint256 value = fixture_u256(value_text);
      if (value.is_zero()) continue;
      d.storage.push_back({slot, value});
      out.view.slots[{d.address, slot}] = value;
    }
    std::ranges::sort(d.storage, [](const auto& x, const auto& y) { return x.slot < y.slot; });
    d.account = account;
    diff.accounts.push_back(std::move(d));
  }
  std::ranges::sort(diff.accounts,
                    [](const auto& x, const auto& y) { return x.address < y.address; });
  state::StateTrie trie(out.nodes, trie::k_empty_root);
  auto update = trie.apply(diff);
  if (!update) throw std::runtime_error("pre-state: " + update.error().message());
  out.nodes.put(update->nodes);
  for (std::size_t i = 0; i < diff.accounts.size(); ++i) {
    out.view.map[diff.accounts[i].address] = *update->accounts[i];
  }
  out.root = update->state_root;
}

}  // namespace

std::vector<NamedResult> run_state_cases(const nlohmann::json& test) {
  std::vector<NamedResult> results;
  const auto post = test.at("post");
  if (!post.contains("Cancun")) return results;  // a test of older forks only: nothing to run
  PreState pre;
  load_pre(test.at("pre"), pre);

  const Json& env_json = test.at("env");
  execution::ChainConfig chain;
  chain.chain_id = 1;
  chain.blob_transactions = true;
  execution::BlockEnv env;
  env.number = fixture_u64(env_json.at("currentNumber").get<std::string>());
  env.timestamp = fixture_u64(env_json.at("currentTimestamp").get<std::string>());
  env.gas_limit = fixture_u64(env_json.at("currentGasLimit").get<std::string>());
  env.base_fee = fixture_u256(env_json.at("currentBaseFee"));
  env.fee_recipient = fixture_fixed<20>(env_json.at("currentCoinbase"));
  env.prev_randao = fixture_fixed<32>(env_json.at("currentRandom"));
  env.blob_base_fee = blob_base_fee(env_json.contains("currentExcessBlobGas")
                                        ? fixture_u256(env_json.at("currentExcessBlobGas"))
                                        : uint256{});
  env.block_hashes = [](std::uint64_t number) -> Result<Hash> {
    return crypto::keccak256(as_bytes(std::to_string(number)));
  };

  const auto& cases = post.at("Cancun");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Json& c = cases[i];
    const Json& idx = c.at("indexes");
    const std::string name = "d" + std::to_string(idx.at("data").get<int>()) + "g" +
                             std::to_string(idx.at("gas").get<int>()) + "v" +
                             std::to_string(idx.at("value").get<int>());
    const auto run = [&]() -> CaseResult {
      const Hash want_root = fixture_fixed<32>(c.at("hash"));
      const Hash want_logs = fixture_fixed<32>(c.at("logs"));
      const bool expect_refusal = c.contains("expectException");

      state::BlockState block(pre.view);
      Result<execution::Applied> applied = fail(execution::Errc::nonce_too_low, "not run");
      auto txn = types::decode_transaction(fixture_bytes(c.at("txbytes").get<std::string>()));
      if (txn) {
        auto sender = types::recover_sender(*txn);
        if (sender) {
          applied = execution::apply_transaction(block, chain, env, *txn, *sender, env.gas_limit);
        } else {
          applied = std::unexpected(sender.error());
        }
      } else {
        applied = std::unexpected(txn.error());
      }
      if (expect_refusal) {
        if (applied) {
          return "expected " + c.at("expectException").get<std::string>() +
                 ", but the transaction was applied";
        }
        if (want_root != pre.root) return std::string("refused, but the fixture's root moved");
        return std::nullopt;
      }
      if (!applied) return "refused: " + applied.error().message();
      auto diff = block.diff();
      if (!diff) return "diff: " + diff.error().message();
      state::StateTrie trie(pre.nodes, pre.root);
      auto update = trie.apply(*diff);
      if (!update) return "state root: " + update.error().message();
      if (update->state_root != want_root) {
        return "state root " + hex::encode(update->state_root.view()) + ", want " +
               hex::encode(want_root.view()) + " (status " + evm::to_string(applied->status) +
               ", gas " + std::to_string(applied->gas_used) + ")";
      }
      if (logs_hash(applied->logs) != want_logs) return "logs hash differs";
      return std::nullopt;
    };
    CaseResult result;
    try {
      result = run();
    } catch (const std::exception& e) {
      result = std::string("cannot run: ") + e.what();
    }
    results.emplace_back(std::move(name), std::move(result));
  }
  return results;
}

}  // namespace rollup::conformance
