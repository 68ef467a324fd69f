#pragma once
// The fields of a batch's structured section, as the encoder walks them (docs/protocol.md,
// "Batches"). Both section forms code the same fields in the same order: the column form puts each
// in a byte stream, the modelled form codes each with its own adaptive model.

#include <cstdint>

namespace rollup::batch::detail {

enum class Field : std::uint8_t {
  block_timestamp,   // count: first absolute, then the increase over the previous block
  block_gas_limit,   // count
  beneficiary,       // reference
  block_origin,      // count: first absolute L1 number, then the increase
  origin_hash,       // bytes32
  block_tx_count,    // count
  tx_shape,          // byte
  tx_nonce,          // count
  tx_gas,            // count
  fee_price,         // number: the one gas price of legacy and EIP-2930 transactions
  fee_tip,           // number: EIP-1559 priority fee
  fee_headroom,      // number: EIP-1559 fee cap minus priority fee
  value,             // number
  to,                // reference
  data_length,       // count
  selector,          // reference
  new_selector,      // bytes4
  word_tag,          // byte
  word_address,      // reference
  word_number,       // number
  word_raw,          // bytes32
  data_raw,          // bytes
  access_count,      // count
  access_address,    // reference
  access_key_count,  // count
  access_key,        // bytes32
  new_address,       // bytes20
};

}  // namespace rollup::batch::detail
