#pragma once
// The fixture of the EVM tests: evm::Vm over the state module's real Host (state::EvmHost over a
// state::BlockState over accounts in maps), so a test sees what the executor would see.
//
// Each run starts from `pre`: accounts the test put there with set_code / set_balance /
// set_storage. Before running, the fixture warms what the executor warms for a transaction (the
// sender, the target, the coinbase and the precompiles); a test adds an access list with
// `prepare`. Gas figures are execution gas only: `gas_used()` is the message's gas minus what is
// left, without the 21,000 intrinsic gas. After the run, the Vm's finish() has been applied
// (EIP-6780 deletions, EIP-161 removals) and the state can be read back.

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <vector>

#include "bytecode.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/evm/evm.hpp"
#include "rollup/evm/precompiles.hpp"
#include "rollup/state/evm_host.hpp"
#include "support/memory_state.hpp"

namespace rollup::evm {

inline Address make_address(std::uint8_t last, std::uint8_t first = 0xaa) {
  Address a;
  a.bytes[0] = first;
  a.bytes[19] = last;
  return a;
}

inline Address address_from_hex(std::string_view text) {
  auto a = hex::decode_fixed<20>(text, hex::Prefix::optional);
  EXPECT_TRUE(a.has_value()) << text;
  return a ? *a : Address{};
}

inline Hash hash_from_hex(std::string_view text) {
  auto h = hex::decode_fixed<32>(text, hex::Prefix::optional);
  EXPECT_TRUE(h.has_value()) << text;
  return h ? *h : Hash{};
}

inline Bytes bytes_from_hex(std::string_view text) {
  auto b = hex::decode(text, hex::Prefix::optional);
  EXPECT_TRUE(b.has_value()) << text;
  return b ? *b : Bytes{};
}

// The 32-byte word an address becomes on the stack.
inline uint256 word_of(const Address& a) {
  return uint256::from_be(a.view());
}

// The output as one word (the output of ret_top()).
inline uint256 output_word(const TxResult& r) {
  EXPECT_EQ(r.output.size(), 32u);
  return r.output.size() == 32 ? uint256::from_be(r.output) : uint256{};
}

// BLOCKHASH's source in these tests: the hash of block n is 0xbb.. followed by n.
inline Hash test_block_hash(std::uint64_t number) {
  Hash h = uint256(number).to_hash();
  h.bytes[0] = 0xbb;
  return h;
}

class EvmTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t k_gas = 1'000'000;

  EvmTest() {
    block.number = 1000;
    block.timestamp = 1'700'000'000;
    block.gas_limit = 30'000'000;
    block.coinbase = make_address(0xc0);
    block.base_fee = 7;
    block.blob_base_fee = 1;
    block.chain_id = 901;
    set_balance(sender, uint256(1'000'000) * uint256(1'000'000'000'000'000'000ULL));
  }

  // Puts code at `address` (an account with nonce 1, as contracts have, unless told otherwise).
  void set_code(const Address& address, ByteView code, const uint256& balance = 0,
                std::uint64_t nonce = 1) {
    types::Account& a = pre.map[address];
    a.nonce = nonce;
    a.balance = balance;
    a.code_hash = crypto::keccak256(code);
    pre.codes[a.code_hash] = Bytes(code.begin(), code.end());
  }
  void set_balance(const Address& address, const uint256& balance) {
    pre.map[address].balance = balance;
  }
  void set_storage(const Address& address, const uint256& slot, const uint256& value) {
    types::Account& a = pre.map[address];
    pre.slots[{address, slot.to_hash()}] = value;
    // The maps have no trie: any root but the empty one tells BlockState::has_storage (EIP-7610)
    // that the account holds storage.
    if (!value.is_zero()) a.storage_root = crypto::keccak256(as_bytes("storage"));
  }

  // Calls `to` with a fresh state over `pre`.
  TxResult transact(const Address& to, ByteView input = {}, std::int64_t gas = k_gas,
                    const uint256& value = 0) {
    TxMessage m;
    m.caller = sender;
    m.to = to;
    m.value = value;
    m.data = input;
    m.gas = gas;
    return run(m);
  }

  // Puts `code` at `contract` and calls it.
  TxResult execute(const bytecode::Code& code, std::int64_t gas = k_gas, ByteView input = {}) {
    set_code(contract, code);
    return transact(contract, input, gas);
  }

  // A creation transaction from `sender` (whose nonce the executor would have incremented).
  TxResult create_tx(ByteView initcode, std::int64_t gas = k_gas, const uint256& value = 0) {
    TxMessage m;
    m.caller = sender;
    m.create_address = created_address();
    m.value = value;
    m.data = initcode;
    m.gas = gas;
    return run(m);
  }
  [[nodiscard]] Address created_address() const { return create_address(sender, 0); }

  TxResult run(const TxMessage& message) {
    m_host.reset();
    m_state.emplace(pre);
    m_host.emplace(*m_state, [](std::uint64_t n) -> Result<Hash> { return test_block_hash(n); });
    TxContext tx{sender, 10, blob_hashes};
    Vm vm(*m_host, block, tx);
    vm.warm_account(message.caller);
    vm.warm_account(message.to ? *message.to : message.create_address);
    vm.warm_account(block.coinbase);
    for (std::uint8_t i = 1; i <= k_last_precompile; ++i) vm.warm_account(make_address(i, 0));
    if (prepare) prepare(vm);
    auto result = vm.run(message);
    EXPECT_TRUE(result.has_value()) << result.error().message();
    if (!result) return {};
    EXPECT_TRUE(vm.finish().has_value());
    EXPECT_GE(result->gas_left, 0);
    EXPECT_LE(result->gas_left, message.gas);
    m_gas_used = message.gas - result->gas_left;
    return *result;
  }

  // Execution gas of the last run.
  [[nodiscard]] std::int64_t gas_used() const { return m_gas_used; }

  // The state after the last run.
  std::optional<types::Account> account(const Address& a) {
    auto r = m_state->account(a);
    EXPECT_TRUE(r.has_value());
    return r ? *r : std::nullopt;
  }
  uint256 balance_of(const Address& a) {
    const auto acc = account(a);
    return acc ? acc->balance : uint256{};
  }
  uint256 storage(const Address& a, const uint256& slot) {
    auto r = m_state->storage(a, slot.to_hash());
    EXPECT_TRUE(r.has_value());
    return r ? *r : uint256{};
  }
  Bytes code_of(const Address& a) {
    const auto acc = account(a);
    if (!acc) return {};
    auto r = m_state->code(acc->code_hash);
    EXPECT_TRUE(r.has_value());
    return r ? *r : Bytes{};
  }
  state::StateDiff diff() {
    auto d = m_state->diff();
    EXPECT_TRUE(d.has_value());
    return d ? *d : state::StateDiff{};
  }

  testing::AccountsState pre;
  BlockContext block;
  std::vector<Hash> blob_hashes;
  // Runs after the standard warming: an access list, for instance.
  std::function<void(Vm&)> prepare;

  const Address sender = make_address(0x5e, 0x5e);
  const Address contract = make_address(0xcc);
  const Address other = make_address(0xdd);
  const Address third = make_address(0xee);

 private:
  std::optional<state::BlockState> m_state;
  std::optional<state::EvmHost> m_host;
  std::int64_t m_gas_used = 0;
};

}  // namespace rollup::evm
