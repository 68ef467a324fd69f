#pragma once
// Errors of the execution module. So far only the genesis file can fail here; each code says which
// rule a genesis broke, and the detail names the offending key path (`config.pragueTime`,
// `alloc.0x12...ab.balance`) so a user can find it in the file.

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
};

}  // namespace rollup::execution
ROLLUP_DECLARE_ERRC(rollup::execution, Errc);
