// Creations: CREATE and CREATE2 addresses (known vectors), collisions, EIP-3541 (no 0xEF code),
// EIP-170 (deployed code size), EIP-3860 (initcode size) and EIP-6780 (SELFDESTRUCT deletes only
// what the same transaction created).

#include <gtest/gtest.h>

#include "evm_fixture.hpp"

namespace rollup::evm {
namespace {

using namespace bytecode;

struct Create2Example {
  const char* sender;
  const char* salt;
  const char* initcode;
  const char* address;
};

// EIP-1014's "Examples" section.
constexpr Create2Example k_eip1014_examples[] = {
    {"0000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000000", "00",
     "4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38"},
    {"deadbeef00000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000000", "00",
     "b928f69bb1d91cd65274e3c79d8986362984fda3"},
    {"deadbeef00000000000000000000000000000000",
     "000000000000000000000000feed000000000000000000000000000000000000", "00",
     "d04116cdd17bebe565eb2422f2497e06cc1c9833"},
    {"0000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000000", "deadbeef",
     "70f2b2914a2a4b783faefb75f459a580616fcb5e"},
    {"00000000000000000000000000000000deadbeef",
     "00000000000000000000000000000000000000000000000000000000cafebabe", "deadbeef",
     "60f3f640a8508fc6a86d45df051962668e1e8ac7"},
    {"00000000000000000000000000000000deadbeef",
     "00000000000000000000000000000000000000000000000000000000cafebabe",
     "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
     "1d8bfdc5d46dc4f61d6b6115972536ebe6a8854c"},
    {"0000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000000", "",
     "e33c0c7f7df4809055c3eba6c09cfe4baf1bd9e0"},
};

TEST(CreateAddress, Eip1014Examples) {
  for (const Create2Example& e : k_eip1014_examples) {
    EXPECT_EQ(create2_address(address_from_hex(e.sender), hash_from_hex(e.salt),
                              bytes_from_hex(e.initcode)),
              address_from_hex(e.address))
        << e.address;
  }
}

// The classic vectors for keccak256(rlp([sender, nonce]))[12:] (Ethereum StackExchange question
// 760, reproduced by ethereumjs and geth), and the first contract of Hardhat's and Anvil's first
// development account.
TEST(CreateAddress, KnownVectors) {
  const Address sender = address_from_hex("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
  EXPECT_EQ(create_address(sender, 0),
            address_from_hex("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"));
  EXPECT_EQ(create_address(sender, 1),
            address_from_hex("343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
  EXPECT_EQ(create_address(sender, 2),
            address_from_hex("f778b86fa74e846c4f0a1fbd1335fe81c00a0c91"));
  EXPECT_EQ(create_address(sender, 3),
            address_from_hex("fffd933a0bc612844eaf0c6fe3e5b8e9b6c1d19c"));
  EXPECT_EQ(create_address(address_from_hex("f39fd6e51aad88f6f4ce6ab8827279cfffb92266"), 0),
            address_from_hex("5fbdb2315678afecb367f032d93f642f64180aa3"));
}

// The examples whose initcode succeeds (0x00 is STOP; empty code does nothing), run through
// CREATE2 from a contract at the example's sender. Memory starts zeroed, so memory [0, n) is n
// zero bytes: exactly the initcode.
TEST_F(EvmTest, Create2OpcodeLandsOnTheEip1014Addresses) {
  for (const std::size_t i : {0u, 1u, 2u, 6u}) {
    const Create2Example& e = k_eip1014_examples[i];
    const Address creator = address_from_hex(e.sender);
    const uint256 salt = uint256::from_hash(hash_from_hex(e.salt));
    const std::size_t size = std::string_view(e.initcode).size() / 2;
    set_code(creator, create2(0, 0, size, salt) + ret_top());
    const TxResult r = transact(creator);
    ASSERT_EQ(r.status, Status::success) << e.address;
    const Address expected = address_from_hex(e.address);
    EXPECT_EQ(output_word(r), word_of(expected));
    const auto created = account(expected);
    ASSERT_TRUE(created.has_value()) << e.address;
    EXPECT_EQ(created->nonce, 1u);  // EIP-161: contracts start at nonce 1
    EXPECT_EQ(created->code_hash, types::k_empty_code_hash);
    EXPECT_EQ(account(creator)->nonce, 2u);
    // Pushes: value and offset PUSH0 4, size PUSH1 3 or PUSH0 2, salt PUSH0 2 or PUSH20 3.
    // CREATE2: 32,000, 2 per initcode word, 6 per word for hashing it, and memory 3 per word.
    // The initcode spends nothing; ret_top 10, or 13 when CREATE2 did not touch memory.
    const std::int64_t words = size == 0 ? 0 : 1;
    const std::int64_t pushes = 4 + (size == 0 ? 2 : 3) + (salt.is_zero() ? 2 : 3);
    EXPECT_EQ(gas_used(), pushes + 32000 + words * (2 + 6 + 3) + (size == 0 ? 13 : 10))
        << e.address;
  }
}

TEST_F(EvmTest, CreateOpcodeUsesTheCreatorsNonce) {
  const Address creator = address_from_hex("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
  set_code(creator, mstore(0, create(0, 0, 0)) + mstore(32, create(0, 0, 0)) + ret(0, 64),
           /*balance=*/0, /*nonce=*/0);
  const TxResult r = transact(creator);
  ASSERT_EQ(r.status, Status::success);
  Bytes expected(64, 0);
  const Address first = address_from_hex("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d");
  const Address second = address_from_hex("343c43a37d37dff08ae8c4a11544c718abb4fcf8");
  std::copy(first.bytes.begin(), first.bytes.end(), expected.begin() + 12);
  std::copy(second.bytes.begin(), second.bytes.end(), expected.begin() + 44);
  EXPECT_EQ(r.output, expected);
  EXPECT_EQ(account(creator)->nonce, 2u);
}

// Creating over an account with a nonce, code or (EIP-7610) storage fails: the creator's nonce
// still moves on, the gas handed to the creation is gone, and CREATE2 yields 0.
TEST_F(EvmTest, CreateCollision) {
  const Address target = address_from_hex("4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38");
  const Address creator{};  // EIP-1014's first example: salt 0, initcode 00
  const Code program = create2(0, 0, 1, 0) + ret_top();
  for (int kind = 0; kind < 3; ++kind) {
    pre = {};
    set_balance(sender, 1'000'000);
    if (kind == 0) pre.map[target].nonce = 1;
    if (kind == 1) set_code(target, Code(OP_STOP), 0, /*nonce=*/0);
    if (kind == 2) set_storage(target, 1, 1);
    set_code(creator, program);
    const TxResult r = transact(creator, {}, 100'000);
    ASSERT_EQ(r.status, Status::success) << kind;
    EXPECT_EQ(output_word(r), 0) << kind;
    EXPECT_EQ(account(creator)->nonce, 2u) << kind;
    // Pushes 9 (PUSH0, PUSH1 1, PUSH0, PUSH0), CREATE2 32,000 + 2 + 6, memory 3: 32,020, leaving
    // 67,980. The creation gets 67,980 - floor(67,980 / 64) = 66,918, all lost. ret_top 10.
    EXPECT_EQ(gas_used(), 32020 + 66918 + 10) << kind;
    EXPECT_EQ(account(target)->nonce, kind == 0 ? 1u : 0u) << kind;
  }
}

// EIP-3541: new code may not start with 0xEF.
TEST_F(EvmTest, CodeStartingWithEfIsRefused) {
  // Initcode returning one byte: PUSH1 b, PUSH0, MSTORE8, PUSH1 1, PUSH0, RETURN.
  const auto returning = [](std::uint8_t first) { return mstore8(0, first) + ret(0, 1); };
  TxResult r = create_tx(returning(0xef));
  EXPECT_EQ(r.status, Status::invalid_code_prefix);
  EXPECT_EQ(r.gas_left, 0);
  EXPECT_FALSE(account(created_address()).has_value());

  r = create_tx(returning(0xfe));
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(code_of(created_address()), Bytes{0xfe});
  // Initcode: PUSH1 3, PUSH0 2, MSTORE8 3 + 3, PUSH1 3, PUSH0 2 = 16; deposit 200 per byte.
  EXPECT_EQ(gas_used(), 16 + 200);

  // From CREATE, the same rule: the creation fails and yields 0.
  const Code initcode = returning(0xef);
  EXPECT_EQ(
      output_word(execute(store_in_memory(initcode) + create(0, 0, initcode.size()) + ret_top())),
      0);
  // 0xEF anywhere else is fine.
  const Code later = mstore8(1, 0xef) + ret(0, 2);
  const TxResult ok = execute(store_in_memory(later) + create(0, 0, later.size()) + ret_top());
  ASSERT_EQ(ok.status, Status::success);
  const Address made = create_address(contract, 1);
  EXPECT_EQ(output_word(ok), word_of(made));
  EXPECT_EQ(code_of(made), (Bytes{0x00, 0xef}));
}

// EIP-170: deployed code is at most 24,576 bytes.
TEST_F(EvmTest, CodeSizeLimit) {
  TxResult r = create_tx(ret(0, k_max_code_size), 10'000'000);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(code_of(created_address()).size(), k_max_code_size);
  // PUSH2 3, PUSH0 2; memory for 768 words: 3 * 768 + 768^2 / 512 = 2,304 + 1,152; the deposit
  // 200 * 24,576 = 4,915,200.
  EXPECT_EQ(gas_used(), 5 + 3456 + 4'915'200);

  r = create_tx(ret(0, k_max_code_size + 1), 10'000'000);
  EXPECT_EQ(r.status, Status::code_size_exceeded);
  EXPECT_EQ(r.gas_left, 0);
  EXPECT_FALSE(account(created_address()).has_value());

  // Through CREATE: 0.
  const Code initcode = ret(0, k_max_code_size + 1);
  EXPECT_EQ(output_word(execute(
                store_in_memory(initcode) + create(0, 0, initcode.size()) + ret_top(), 10'000'000)),
            0);
}

// EIP-3860: CREATE and CREATE2 with more than 49,152 bytes of initcode halt the creator out of gas.
TEST_F(EvmTest, InitcodeSizeLimit) {
  // 49,152 zero bytes: initcode that stops at once and deploys nothing.
  TxResult r = execute(create(0, 0, k_max_initcode_size) + ret_top());
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(output_word(r), word_of(create_address(contract, 1)));
  // PUSH2 3, PUSH0 2, PUSH0 2; CREATE 32,000; memory for 1,536 words: 3 * 1536 + 1536^2 / 512 =
  // 4,608 + 4,608; 2 per initcode word: 3,072; ret_top 10.
  EXPECT_EQ(gas_used(), 7 + 32000 + 9216 + 3072 + 10);

  r = execute(create(0, 0, k_max_initcode_size + 1) + ret_top());
  EXPECT_EQ(r.status, Status::out_of_gas);
  EXPECT_EQ(r.gas_left, 0);
  r = execute(create2(0, 0, k_max_initcode_size + 1, 0) + ret_top());
  EXPECT_EQ(r.status, Status::out_of_gas);
  EXPECT_EQ(r.gas_left, 0);
}

// EIP-6780: SELFDESTRUCT of an older contract only sends its balance away.
TEST_F(EvmTest, SelfdestructOfAnOldContractOnlyMovesItsBalance) {
  set_storage(contract, 1, 7);
  const Code code = selfdestruct(third);
  set_code(contract, code, 5);
  const TxResult r = transact(contract);
  ASSERT_EQ(r.status, Status::success);
  const auto after = account(contract);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->balance, 0);
  EXPECT_EQ(code_of(contract), code.bytes());
  EXPECT_EQ(storage(contract, 1), 7);
  EXPECT_EQ(balance_of(third), 5);
  // PUSH20 3, SELFDESTRUCT 5,000, 2,600 for the cold beneficiary, 25,000 because value goes to an
  // account that does not exist.
  EXPECT_EQ(gas_used(), 3 + 5000 + 2600 + 25000);

  // To itself: nothing changes at all.
  set_code(contract, selfdestruct(contract), 5);
  ASSERT_EQ(transact(contract).status, Status::success);
  EXPECT_EQ(balance_of(contract), 5);
  EXPECT_TRUE(diff().accounts.empty());
}

TEST_F(EvmTest, SelfdestructInTheCreatingTransactionDeletesTheContract) {
  // `contract` creates a child holding 3 wei whose code self-destructs to `third`, then calls it.
  const Code initcode = deploy(selfdestruct(third));
  const Address child = create_address(contract, 1);
  set_code(
      contract,
      store_in_memory(initcode) + sstore(0, create(3, 0, initcode.size())) + call(OP_GAS, sload(0)),
      10);
  TxResult r = transact(contract);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_EQ(storage(contract, 0), word_of(child));
  EXPECT_FALSE(account(child).has_value());
  EXPECT_EQ(balance_of(third), 3);
  EXPECT_EQ(balance_of(contract), 7);

  // Self-destructing to itself during its own creation burns its balance.
  const Code burning = selfdestruct(OP_ADDRESS);
  set_code(contract, store_in_memory(burning) + create(3, 0, burning.size()), 10);
  r = transact(contract);
  ASSERT_EQ(r.status, Status::success);
  EXPECT_FALSE(account(child).has_value());
  EXPECT_EQ(balance_of(contract), 7);
  EXPECT_EQ(account(contract)->nonce, 2u);
}

}  // namespace
}  // namespace rollup::evm
