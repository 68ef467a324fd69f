// The EVM fuzz target (see evm_fuzz.hpp for the input layout and the invariants).

#include "evm_fuzz.hpp"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/executor.hpp"
#include "rollup/state/state.hpp"
#include "rollup/types/account.hpp"
#include "rollup/types/transaction.hpp"
#include "support/memory_state.hpp"

namespace rollup::fuzz {
namespace {

constexpr std::uint64_t k_chain_id = 901;
constexpr std::uint64_t k_block_number = 300;  // BLOCKHASH has its full 256-block window
const Address k_sender = short_address(0x5e5e);
const Address k_coinbase = short_address(0xc0c0);
const Address k_vault = short_address(0x0fee);
// Small fee figures keep the balance sums readable; their rules are the same at any size.
const uint256 k_base_fee = 7;
const uint256 k_max_fee = 100;
const uint256 k_tip = 3;
const uint256 k_ether = uint256(1'000'000'000'000'000'000ULL);
constexpr std::uint64_t k_blob_gas_per_blob = 131072;

[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "evm_fuzz: invariant violated: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

struct Input {
  std::int64_t exec_gas = 0;
  std::uint8_t flags = 0;
  ByteView calldata;
  ByteView code_a;
  ByteView code_b;
  [[nodiscard]] bool create() const { return (flags & k_flag_create) != 0; }
  [[nodiscard]] bool blob() const { return (flags & k_flag_blob) != 0 && !create(); }
};

Input decode(ByteView in) {
  const auto at = [&](std::size_t i) -> std::size_t { return i < in.size() ? in[i] : 0; };
  Input out;
  out.exec_gas = static_cast<std::int64_t>((at(0) | at(1) << 8) * 16);
  out.flags = static_cast<std::uint8_t>(at(2));
  ByteView rest = in.size() > k_header_size ? in.subspan(k_header_size) : ByteView{};
  const std::size_t calldata = std::min(at(3), rest.size());
  out.calldata = rest.first(calldata);
  rest = rest.subspan(calldata);
  std::size_t a = std::min(at(4) | at(5) << 8, rest.size());
  if (out.create()) a = std::min(a, evm::k_max_initcode_size);  // larger is refused, not run
  out.code_a = rest.first(a);
  out.code_b = rest.subspan(a);
  return out;
}

testing::AccountsState make_pre(const Input& in) {
  testing::AccountsState pre;
  const auto put_code = [&](const Address& address, ByteView code, const uint256& balance) {
    types::Account& a = pre.map[address];
    a.nonce = 1;
    a.balance = balance;
    a.code_hash = crypto::keccak256(code);
    pre.codes[a.code_hash] = Bytes(code.begin(), code.end());
  };
  pre.map[k_sender].balance = 1000 * k_ether;
  pre.map[k_funded_eoa].balance = 5;
  if (!in.create()) put_code(k_contract_a, in.code_a, k_ether);
  put_code(k_contract_b, in.code_b, (in.flags & k_flag_b_balance) != 0 ? k_ether : uint256{});
  if ((in.flags & k_flag_storage) != 0 && !in.create()) {
    for (std::uint64_t slot = 0; slot < 4; ++slot) {
      pre.slots[{k_contract_a, uint256(slot).to_hash()}] = slot + 1;
    }
    // The maps have no trie; a non-empty root is what says "has storage" (EIP-7610).
    pre.map[k_contract_a].storage_root = crypto::keccak256(as_bytes("storage"));
  }
  return pre;
}

types::Transaction make_transaction(const Input& in) {
  types::Transaction txn;
  txn.type = in.blob() ? types::TxType::blob : types::TxType::dynamic_fee;
  txn.chain_id = k_chain_id;
  txn.max_fee_per_gas = k_max_fee;
  txn.max_priority_fee_per_gas = (in.flags & k_flag_no_tip) != 0 ? uint256{} : k_tip;
  if (!in.create()) txn.to = k_contract_a;
  static const uint256 k_values[] = {0, 1, 65535, k_ether};
  txn.value = k_values[in.flags & k_flag_value_mask];
  const ByteView data = in.create() ? in.code_a : in.calldata;
  txn.data.assign(data.begin(), data.end());
  if ((in.flags & k_flag_access_list) != 0) {
    txn.access_list.push_back({k_contract_a, {uint256(0).to_hash(), uint256(1).to_hash()}});
    txn.access_list.push_back({k_contract_b, {}});
  }
  if (in.blob()) {
    txn.max_fee_per_blob_gas = 1;
    for (std::uint8_t i = 1; i <= 2; ++i) {
      Hash h;
      h.bytes[0] = 0x01;  // the KZG version byte
      h.bytes[31] = i;
      txn.blob_versioned_hashes.push_back(h);
    }
  }
  // Signature values are checked for range only; the sender is given, not recovered.
  txn.r = 1;
  txn.s = 1;
  txn.gas_limit = types::intrinsic_gas(txn) + static_cast<std::uint64_t>(in.exec_gas);
  return txn;
}

const execution::ChainConfig& chain_config() {
  static const execution::ChainConfig config = [] {
    execution::ChainConfig c;
    c.chain_id = k_chain_id;
    c.base_fee_vault = k_vault;
    c.blob_transactions = true;  // Ethereum's rules, so that BLOBHASH has something to read
    return c;
  }();
  return config;
}

const execution::BlockEnv& block_env() {
  static const execution::BlockEnv env = [] {
    execution::BlockEnv e;
    e.number = k_block_number;
    e.timestamp = 1'700'000'000;
    e.gas_limit = 30'000'000;
    e.base_fee = k_base_fee;
    e.fee_recipient = k_coinbase;
    e.prev_randao.bytes[0] = 0x42;
    e.blob_base_fee = 1;
    e.block_hashes = [](std::uint64_t number) -> Result<Hash> {
      Hash h = uint256(number).to_hash();
      h.bytes[0] = 0xbb;
      return h;
    };
    return e;
  }();
  return env;
}

struct Run {
  execution::Applied applied;
  state::StateDiff diff;
};

Run apply_once(const testing::AccountsState& pre, const types::Transaction& txn) {
  state::BlockState state(pre);
  auto applied = execution::apply_transaction(state, chain_config(), block_env(), txn, k_sender,
                                              block_env().gas_limit);
  if (!applied) violated("the transaction was refused: " + applied.error().message());
  auto diff = state.diff();
  if (!diff) violated("the diff failed: " + diff.error().message());
  return {std::move(*applied), std::move(*diff)};
}

std::string describe(const Address& a) {
  return hex::encode(a.view());
}

void check(const Input& in, const testing::AccountsState& pre, const types::Transaction& txn,
           const Run& run) {
  const execution::Applied& applied = run.applied;
  const std::string outcome = std::string(" (status: ") + evm::to_string(applied.status) +
                              ", gas used " + std::to_string(applied.gas_used) + " of " +
                              std::to_string(txn.gas_limit) + ")";
  // The refund, at most a fifth of the gas used, may take the figure below the intrinsic gas.
  if (applied.gas_used > txn.gas_limit || applied.gas_used * 5 < types::intrinsic_gas(txn) * 4) {
    violated("gas used out of bounds" + outcome);
  }
  if (!applied.success() && !applied.logs.empty())
    violated("a failed transaction logged" + outcome);
  if (auto bad = state::check_diff(run.diff)) violated("check_diff: " + *bad + outcome);

  uint256 before;
  for (const auto& [address, account] : pre.map) before += account.balance;
  uint256 after;
  std::set<Address> changed;
  bool sender_seen = false;
  for (const state::AccountDiff& d : run.diff.accounts) {
    changed.insert(d.address);
    if (d.account) after += d.account->balance;
    if (d.code && d.code->size() > evm::k_max_code_size) {
      violated("code above the EIP-170 limit at " + describe(d.address) + outcome);
    }
    if (d.code && !d.code->empty() && (*d.code)[0] == 0xef) {
      violated("code starting with 0xEF at " + describe(d.address) + outcome);
    }
    const auto it = pre.map.find(d.address);
    if (it != pre.map.end() && d.account && d.account->nonce < it->second.nonce) {
      violated("the nonce of " + describe(d.address) + " went down" + outcome);
    }
    if (!applied.success() && d.address != k_sender && d.address != k_coinbase &&
        d.address != k_vault) {
      violated("a failed transaction changed " + describe(d.address) + outcome);
    }
    if (d.address == k_sender) {
      sender_seen = true;
      if (!d.account || d.account->nonce != 1) violated("the sender's nonce is not 1" + outcome);
    }
  }
  if (!sender_seen) violated("the sender did not change" + outcome);
  for (const auto& [address, account] : pre.map) {
    if (!changed.contains(address)) after += account.balance;
  }
  const uint256 blob_fee(in.blob() ? 2 * k_blob_gas_per_blob : 0);  // at a blob base fee of 1
  const uint256 accounted = after + blob_fee;
  if (accounted > before) {
    violated("value was created: " + to_string(accounted - before) + " wei" + outcome);
  }
  if (accounted < before && !applied.success()) {
    violated("a failed transaction destroyed " + to_string(before - accounted) + " wei" + outcome);
  }
}

}  // namespace

EvmOutcome run_evm_input(ByteView input) {
  const Input in = decode(input);
  const testing::AccountsState pre = make_pre(in);
  const types::Transaction txn = make_transaction(in);
  const Run first = apply_once(pre, txn);
  check(in, pre, txn, first);
  const Run second = apply_once(pre, txn);
  if (second.applied.status != first.applied.status ||
      second.applied.gas_used != first.applied.gas_used ||
      second.applied.logs != first.applied.logs || second.applied.output != first.applied.output ||
      second.diff != first.diff) {
    violated(std::string("two runs differ: ") + evm::to_string(first.applied.status) + " / " +
             evm::to_string(second.applied.status) + ", gas " +
             std::to_string(first.applied.gas_used) + " / " +
             std::to_string(second.applied.gas_used));
  }
  EvmOutcome out;
  out.status = first.applied.status;
  out.create = in.create();
  out.gas_used = first.applied.gas_used;
  out.gas_limit = txn.gas_limit;
  out.logs = first.applied.logs.size();
  out.accounts_changed = first.diff.accounts.size();
  return out;
}

}  // namespace rollup::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rollup::fuzz::run_evm_input({data, size});
  return 0;
}
