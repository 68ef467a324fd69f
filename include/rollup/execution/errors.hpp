#pragma once
// Errors of the execution module.
//
// Genesis codes say which rule a genesis broke; the detail names the offending key path
// (`config.pragueTime`, `alloc.0x12...ab.balance`) so a user can find it in the file.
//
// Transaction codes are the reasons a transaction cannot be applied to the current state. Their
// descriptions are geth's message prefixes, which wallets match on, and their details carry geth's
// figures (`next nonce 5, tx nonce 3`), so "<description>: <detail>" is the text geth sends.

#include "rollup/base/error.hpp"

namespace rollup::execution {

enum class Errc {
  ok = 0,
  genesis_malformed_json,         // not JSON at all; the detail is the parser's position message
  genesis_duplicate_key,          // the same key twice in one JSON object (JSON keeps only one)
  genesis_unknown_key,            // a key geth's format does not define, or one rollupd refuses
  genesis_missing_field,          // a required key is absent (gasLimit, alloc, config.chainId, ...)
  genesis_invalid_value,          // wrong JSON type, bad hex, wrong length, too large, not allowed
  genesis_duplicate_account,      // one address twice in alloc, however it was spelled
  genesis_unsupported_fork,       // a fork after Cancun, or a fork not active from block 0
  genesis_unsupported_consensus,  // ethash or clique: rollupd only runs post-merge rules

  nonce_too_low,               // the sender's nonce is past the transaction's
  nonce_too_high,              // a gap: the transaction's nonce is past the sender's
  insufficient_funds,          // balance below gas limit * max fee + value
  fee_cap_below_base_fee,      // max fee per gas below the block's base fee
  block_gas_exhausted,         // the gas left in the block is below the transaction's gas limit
  exceeds_block_gas_limit,     // the gas limit is above the block gas limit itself
  sender_not_eoa,              // EIP-3607: the sender has code
  blob_fee_cap_too_low,        // max fee per blob gas below the block's blob base fee
};

}  // namespace rollup::execution
ROLLUP_DECLARE_ERRC(rollup::execution, Errc);
