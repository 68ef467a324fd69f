#pragma once
// Errors of the types module: envelope and field rules of transactions, receipts and headers that go
// beyond RLP well-formedness (those come back as rlp::Errc, annotated with the field name).

#include "rollup/base/error.hpp"

namespace rollup::types {

enum class Errc {
  ok = 0,
  empty_input,
  unsupported_tx_type,     // a type byte this node does not know
  blob_tx_unsupported,     // EIP-4844 type 3: well-formed, but this L2 carries no blobs
  invalid_blob_count,      // a blob transaction with no blob or more than six
  invalid_blob_version,    // a blob versioned hash not starting with 0x01
  invalid_envelope,        // neither a legacy list nor type byte + list
  invalid_v,               // legacy v that is neither 27/28 nor chain_id * 2 + 35/36
  invalid_y_parity,        // typed transaction y parity other than 0 or 1
  chain_id_too_large,      // chain id does not fit 64 bits
  wrong_chain_id,          // signed for another chain, or not replay-protected where required
  invalid_signature,       // r, s out of range, high s, or no public key recovers
  nonce_max,               // nonce 2^64-1 (EIP-2681: the nonce could never be incremented)
  gas_price_product_overflow,  // gas_limit * max fee does not fit 256 bits
  priority_fee_above_max,  // max priority fee per gas > max fee per gas
  intrinsic_gas_too_low,   // gas limit below intrinsic gas
  initcode_too_large,      // creation data above the EIP-3860 limit
  invalid_receipt_status,  // receipt status other than 0 or 1 (pre-Byzantium state roots included)
};

}  // namespace rollup::types
ROLLUP_DECLARE_ERRC(rollup::types, Errc);
