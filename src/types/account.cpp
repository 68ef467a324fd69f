#include "rollup/types/account.hpp"

#include "rollup/rlp/rlp.hpp"

namespace rollup::types {

Bytes encode_account(const Account& account) {
  rlp::Encoder enc(80);
  const std::size_t mark = enc.begin_list();
  enc.add_u64(account.nonce);
  enc.add_u256(account.balance);
  enc.add_fixed(account.storage_root);
  enc.add_fixed(account.code_hash);
  enc.end_list(mark);
  return enc.take();
}

Result<Account> decode_account(ByteView encoded) {
  ROLLUP_TRY(rlp::ListReader list, rlp::ListReader::open(encoded));
  Account account;
  ROLLUP_TRY(account.nonce, with_context(list.next_u64(), "account nonce"));
  ROLLUP_TRY(account.balance, with_context(list.next_u256(), "account balance"));
  ROLLUP_TRY(account.storage_root, with_context(list.next_fixed<32>(), "account storage root"));
  ROLLUP_TRY(account.code_hash, with_context(list.next_fixed<32>(), "account code hash"));
  ROLLUP_TRY_VOID(list.finish());
  return account;
}

}  // namespace rollup::types
