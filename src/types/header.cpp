#include "rollup/types/header.hpp"

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::types {

Bytes encode_header(const Header& h) {
  // A header whose optional fields skip a fork cannot be encoded; building one is a bug.
  ROLLUP_ASSERT(!h.withdrawals_root || h.base_fee_per_gas);
  ROLLUP_ASSERT(h.blob_gas_used.has_value() == h.excess_blob_gas.has_value() &&
                h.blob_gas_used.has_value() == h.parent_beacon_block_root.has_value());
  ROLLUP_ASSERT(!h.blob_gas_used || h.withdrawals_root);
  rlp::Encoder enc(600 + h.extra_data.size());
  const std::size_t list = enc.begin_list();
  enc.add_fixed(h.parent_hash);
  enc.add_fixed(h.ommers_hash);
  enc.add_fixed(h.beneficiary);
  enc.add_fixed(h.state_root);
  enc.add_fixed(h.transactions_root);
  enc.add_fixed(h.receipts_root);
  enc.add_fixed(h.logs_bloom);
  enc.add_u256(h.difficulty);
  enc.add_u64(h.number);
  enc.add_u64(h.gas_limit);
  enc.add_u64(h.gas_used);
  enc.add_u64(h.timestamp);
  enc.add_string(h.extra_data);
  enc.add_fixed(h.mix_hash);
  enc.add_fixed(h.nonce);
  // Optional fields form a prefix in fork order; stop at the first absent one.
  if (h.base_fee_per_gas) {
    enc.add_u256(*h.base_fee_per_gas);
    if (h.withdrawals_root) {
      enc.add_fixed(*h.withdrawals_root);
      if (h.blob_gas_used) {
        enc.add_u64(*h.blob_gas_used);
        enc.add_u64(*h.excess_blob_gas);
        enc.add_fixed(*h.parent_beacon_block_root);
      }
    }
  }
  enc.end_list(list);
  return enc.take();
}

Result<Header> decode_header(ByteView encoded) {
  ROLLUP_TRY(rlp::ListReader list, rlp::ListReader::open(encoded));
  Header h;
  ROLLUP_TRY(h.parent_hash, with_context(list.next_fixed<32>(), "parent hash"));
  ROLLUP_TRY(h.ommers_hash, with_context(list.next_fixed<32>(), "ommers hash"));
  ROLLUP_TRY(h.beneficiary, with_context(list.next_fixed<20>(), "beneficiary"));
  ROLLUP_TRY(h.state_root, with_context(list.next_fixed<32>(), "state root"));
  ROLLUP_TRY(h.transactions_root, with_context(list.next_fixed<32>(), "transactions root"));
  ROLLUP_TRY(h.receipts_root, with_context(list.next_fixed<32>(), "receipts root"));
  ROLLUP_TRY(h.logs_bloom, with_context(list.next_fixed<256>(), "logs bloom"));
  ROLLUP_TRY(h.difficulty, with_context(list.next_u256(), "difficulty"));
  ROLLUP_TRY(h.number, with_context(list.next_u64(), "number"));
  ROLLUP_TRY(h.gas_limit, with_context(list.next_u64(), "gas limit"));
  ROLLUP_TRY(h.gas_used, with_context(list.next_u64(), "gas used"));
  ROLLUP_TRY(h.timestamp, with_context(list.next_u64(), "timestamp"));
  ROLLUP_TRY(ByteView extra, with_context(list.next_string(), "extra data"));
  h.extra_data.assign(extra.begin(), extra.end());
  ROLLUP_TRY(h.mix_hash, with_context(list.next_fixed<32>(), "mix hash"));
  ROLLUP_TRY(h.nonce, with_context(list.next_fixed<8>(), "nonce"));
  if (!list.empty()) {
    ROLLUP_TRY(h.base_fee_per_gas, with_context(list.next_u256(), "base fee per gas"));
  }
  if (!list.empty()) {
    ROLLUP_TRY(h.withdrawals_root, with_context(list.next_fixed<32>(), "withdrawals root"));
  }
  if (!list.empty()) {
    // Cancun's three fields come together or not at all.
    ROLLUP_TRY(h.blob_gas_used, with_context(list.next_u64(), "blob gas used"));
    ROLLUP_TRY(h.excess_blob_gas, with_context(list.next_u64(), "excess blob gas"));
    ROLLUP_TRY(h.parent_beacon_block_root,
               with_context(list.next_fixed<32>(), "parent beacon block root"));
  }
  ROLLUP_TRY_VOID(with_context(list.finish(), "header (fields after Cancun's)"));
  return h;
}

Hash header_hash(const Header& header) { return crypto::keccak256(encode_header(header)); }

}  // namespace rollup::types
