#include "rollup/types/errors.hpp"

namespace rollup::types {

std::string_view category_name(Errc) noexcept { return "types"; }

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::empty_input: return "empty transaction";
    case Errc::unsupported_tx_type: return "transaction type not supported";
    case Errc::blob_tx_unsupported:
      return "blob transactions (EIP-4844, type 3) are not supported: this rollup carries no blobs";
    case Errc::invalid_blob_count: return "a blob transaction carries one to six blob hashes";
    case Errc::invalid_blob_version: return "blob versioned hash with a version other than 0x01";
    case Errc::invalid_envelope: return "malformed transaction envelope";
    case Errc::invalid_v: return "invalid signature v value";
    case Errc::invalid_y_parity: return "invalid signature y parity";
    case Errc::chain_id_too_large: return "chain id does not fit 64 bits";
    case Errc::wrong_chain_id: return "invalid chain id for signer";
    case Errc::invalid_signature: return "invalid transaction v, r, s values";
    case Errc::nonce_max: return "nonce has max value";
    case Errc::gas_price_product_overflow: return "gas limit times fee cap overflows 256 bits";
    case Errc::priority_fee_above_max: return "max priority fee per gas higher than max fee per gas";
    case Errc::intrinsic_gas_too_low: return "intrinsic gas too low";
    case Errc::initcode_too_large: return "max initcode size exceeded";
    case Errc::invalid_receipt_status: return "receipt status must be 0 or 1";
  }
  return "unknown types error";
}

}  // namespace rollup::types
