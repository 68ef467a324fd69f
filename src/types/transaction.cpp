#include "rollup/types/transaction.hpp"

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::types {

namespace {

using rlp::ListReader;

Result<std::optional<Address>> decode_to(ListReader& list) {
  ROLLUP_TRY(ByteView to, with_context(list.next_string(), "to"));
  if (to.empty()) return std::optional<Address>{};
  auto addr = Address::from_view(to);
  if (!addr) {
    return fail(rlp::Errc::wrong_size, "to: want 20 bytes, got " + std::to_string(to.size()));
  }
  return std::optional<Address>(*addr);
}

Result<AccessList> decode_access_list(ListReader& list) {
  ROLLUP_TRY(ListReader entries, with_context(list.next_list(), "access list"));
  AccessList out;
  while (!entries.empty()) {
    ROLLUP_TRY(ListReader entry, with_context(entries.next_list(), "access list entry"));
    AccessListEntry e;
    ROLLUP_TRY(e.address, with_context(entry.next_fixed<20>(), "access list address"));
    ROLLUP_TRY(ListReader keys, with_context(entry.next_list(), "access list storage keys"));
    while (!keys.empty()) {
      ROLLUP_TRY(Hash key, with_context(keys.next_fixed<32>(), "access list storage key"));
      e.storage_keys.push_back(key);
    }
    ROLLUP_TRY_VOID(with_context(entry.finish(), "access list entry"));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::uint64_t> decode_chain_id(ListReader& list) {
  ROLLUP_TRY(uint256 id, with_context(list.next_u256(), "chain id"));
  if (!id.fits_u64()) return fail(Errc::chain_id_too_large);
  return id.low64();
}

// r and s are canonical integers like any other field, but a value wider than 256 bits is a
// signature value out of range, not a framing error: report it as the signature problem it is.
Result<uint256> decode_signature_value(ListReader& list, const char* name) {
  auto v = with_context(list.next_u256(), name);
  if (!v && v.error() == rlp::Errc::integer_overflow) {
    return fail(Errc::invalid_signature, std::string(name) + " exceeds 256 bits");
  }
  return v;
}

Result<void> decode_typed_signature(ListReader& list, Transaction& txn) {
  ROLLUP_TRY(std::uint64_t parity, with_context(list.next_u64(), "y parity"));
  if (parity > 1) return fail(Errc::invalid_y_parity, std::to_string(parity));
  txn.y_parity = static_cast<std::uint8_t>(parity);
  ROLLUP_TRY(txn.r, decode_signature_value(list, "r"));
  ROLLUP_TRY(txn.s, decode_signature_value(list, "s"));
  return with_context(list.finish(), "transaction");
}

Result<Transaction> decode_legacy(ByteView envelope) {
  ROLLUP_TRY(ListReader list, ListReader::open(envelope));
  Transaction txn;
  txn.type = TxType::legacy;
  ROLLUP_TRY(txn.nonce, with_context(list.next_u64(), "nonce"));
  ROLLUP_TRY(txn.max_fee_per_gas, with_context(list.next_u256(), "gas price"));
  txn.max_priority_fee_per_gas = txn.max_fee_per_gas;
  ROLLUP_TRY(txn.gas_limit, with_context(list.next_u64(), "gas limit"));
  ROLLUP_TRY(txn.to, decode_to(list));
  ROLLUP_TRY(txn.value, with_context(list.next_u256(), "value"));
  ROLLUP_TRY(ByteView data, with_context(list.next_string(), "data"));
  txn.data.assign(data.begin(), data.end());
  ROLLUP_TRY(uint256 v, with_context(list.next_u256(), "v"));
  ROLLUP_TRY(txn.r, decode_signature_value(list, "r"));
  ROLLUP_TRY(txn.s, decode_signature_value(list, "s"));
  ROLLUP_TRY_VOID(with_context(list.finish(), "transaction"));

  if (v == 27 || v == 28) {
    txn.y_parity = static_cast<std::uint8_t>(v.low64() - 27);
  } else if (v >= 35) {
    // EIP-155: v = chain_id * 2 + 35 + y_parity.
    const uint256 id = (v - 35) >> 1;
    if (!id.fits_u64()) return fail(Errc::chain_id_too_large);
    txn.chain_id = id.low64();
    txn.y_parity = static_cast<std::uint8_t>((v.low64() - 35) & 1);
  } else {
    return fail(Errc::invalid_v, to_string(v));
  }
  return txn;
}

Result<Transaction> decode_typed(TxType type, ByteView payload) {
  ROLLUP_TRY(ListReader list, ListReader::open(payload));
  Transaction txn;
  txn.type = type;
  ROLLUP_TRY(txn.chain_id, decode_chain_id(list));
  ROLLUP_TRY(txn.nonce, with_context(list.next_u64(), "nonce"));
  if (type == TxType::access_list) {
    ROLLUP_TRY(txn.max_fee_per_gas, with_context(list.next_u256(), "gas price"));
    txn.max_priority_fee_per_gas = txn.max_fee_per_gas;
  } else {
    ROLLUP_TRY(txn.max_priority_fee_per_gas,
               with_context(list.next_u256(), "max priority fee per gas"));
    ROLLUP_TRY(txn.max_fee_per_gas, with_context(list.next_u256(), "max fee per gas"));
  }
  ROLLUP_TRY(txn.gas_limit, with_context(list.next_u64(), "gas limit"));
  ROLLUP_TRY(txn.to, decode_to(list));
  ROLLUP_TRY(txn.value, with_context(list.next_u256(), "value"));
  ROLLUP_TRY(ByteView data, with_context(list.next_string(), "data"));
  txn.data.assign(data.begin(), data.end());
  ROLLUP_TRY(txn.access_list, decode_access_list(list));
  if (type == TxType::blob) {
    ROLLUP_TRY(txn.max_fee_per_blob_gas, with_context(list.next_u256(), "max fee per blob gas"));
    ROLLUP_TRY(ListReader hashes, with_context(list.next_list(), "blob versioned hashes"));
    while (!hashes.empty()) {
      ROLLUP_TRY(Hash h, with_context(hashes.next_fixed<32>(), "blob versioned hash"));
      txn.blob_versioned_hashes.push_back(h);
    }
    if (!txn.to) return fail(rlp::Errc::wrong_size, "to: blob transactions cannot create");
  }
  ROLLUP_TRY_VOID(decode_typed_signature(list, txn));
  return txn;
}

// The unsigned fields in wire order; both the signing payload and the full encoding start with
// them.
void encode_unsigned_fields(rlp::Encoder& enc, const Transaction& txn) {
  // A typed transaction without a chain id has no encoding: a bug upstream, not bad input.
  ROLLUP_ASSERT(txn.type == TxType::legacy || txn.chain_id.has_value());
  const auto add_to = [&] {
    if (txn.to) {
      enc.add_fixed(*txn.to);
    } else {
      enc.add_string({});
    }
  };
  if (txn.type != TxType::legacy) enc.add_u64(*txn.chain_id);
  enc.add_u64(txn.nonce);
  if (txn.type == TxType::dynamic_fee || txn.type == TxType::blob) {
    enc.add_u256(txn.max_priority_fee_per_gas);
  }
  enc.add_u256(txn.max_fee_per_gas);
  enc.add_u64(txn.gas_limit);
  add_to();
  enc.add_u256(txn.value);
  enc.add_string(txn.data);
  if (txn.type == TxType::legacy) return;
  const std::size_t list = enc.begin_list();
  for (const auto& entry : txn.access_list) {
    const std::size_t e = enc.begin_list();
    enc.add_fixed(entry.address);
    const std::size_t keys = enc.begin_list();
    for (const auto& key : entry.storage_keys) enc.add_fixed(key);
    enc.end_list(keys);
    enc.end_list(e);
  }
  enc.end_list(list);
  if (txn.type != TxType::blob) return;
  enc.add_u256(txn.max_fee_per_blob_gas);
  const std::size_t hashes = enc.begin_list();
  for (const Hash& h : txn.blob_versioned_hashes) enc.add_fixed(h);
  enc.end_list(hashes);
}

std::size_t size_hint(const Transaction& txn) {
  return 160 + txn.data.size() + txn.access_list.size() * 64;
}

}  // namespace

uint256 Transaction::legacy_v() const noexcept {
  if (!chain_id) return uint256(27 + y_parity);
  return uint256(*chain_id) * 2 + 35 + y_parity;
}

Result<Transaction> decode_transaction(ByteView envelope) {
  if (envelope.empty()) return fail(Errc::empty_input);
  const std::uint8_t first = envelope[0];
  if (first >= 0xc0) return decode_legacy(envelope);
  if (first >= 0x80) return fail(Errc::invalid_envelope, "an RLP string where a list is expected");
  const ByteView payload = envelope.subspan(1);
  switch (first) {
    case 1: return decode_typed(TxType::access_list, payload);
    case 2: return decode_typed(TxType::dynamic_fee, payload);
    case 3: {
      // Either the canonical body or the network form [body, blobs, commitments, proofs]. The
      // network form is checked to be well-formed, so the caller learns the real reason it is
      // refused: its blobs could not be kept anywhere on this chain.
      ROLLUP_TRY(rlp::Item outer, rlp::decode_exact(payload));
      if (!outer.is_list) return fail(rlp::Errc::expected_list);
      ByteView rest = outer.payload;
      ROLLUP_TRY(rlp::Item head, with_context(rlp::read_item(rest), "transaction"));
      if (!head.is_list) return decode_typed(TxType::blob, payload);
      ROLLUP_TRY_VOID(
          decode_typed(TxType::blob, outer.payload.first(outer.payload.size() - rest.size())));
      return fail(Errc::blob_tx_unsupported);
    }
    default: return fail(Errc::unsupported_tx_type, "type " + std::to_string(first));
  }
}

Bytes encode_transaction(const Transaction& txn) {
  rlp::Encoder enc(size_hint(txn));
  if (txn.type != TxType::legacy) enc.add_raw(std::array{static_cast<std::uint8_t>(txn.type)});
  const std::size_t list = enc.begin_list();
  encode_unsigned_fields(enc, txn);
  if (txn.type == TxType::legacy) {
    enc.add_u256(txn.legacy_v());
  } else {
    enc.add_u64(txn.y_parity);
  }
  enc.add_u256(txn.r);
  enc.add_u256(txn.s);
  enc.end_list(list);
  return enc.take();
}

Hash transaction_hash(const Transaction& txn) {
  return crypto::keccak256(encode_transaction(txn));
}

Hash signing_hash(const Transaction& txn) {
  rlp::Encoder enc(size_hint(txn));
  if (txn.type != TxType::legacy) enc.add_raw(std::array{static_cast<std::uint8_t>(txn.type)});
  const std::size_t list = enc.begin_list();
  encode_unsigned_fields(enc, txn);
  if (txn.type == TxType::legacy && txn.chain_id) {
    enc.add_u64(*txn.chain_id);
    enc.add_u64(0);
    enc.add_u64(0);
  }
  enc.end_list(list);
  return crypto::keccak256(enc.bytes());
}

Result<Address> recover_sender(const Transaction& txn) {
  return std::move(recover_senders(std::span(&txn, 1)).front());
}

std::vector<Result<Address>> recover_senders(std::span<const Transaction> txns) {
  std::vector<Result<Address>> out(txns.size(), Address{});
  std::vector<Hash> hashes;
  std::vector<crypto::Signature> sigs;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < txns.size(); ++i) {
    const Transaction& txn = txns[i];
    if (auto ok = crypto::check_signature_values(txn.r, txn.s, /*require_low_s=*/true); !ok) {
      out[i] = fail(Errc::invalid_signature, ok.error().message());
      continue;
    }
    hashes.push_back(signing_hash(txn));
    sigs.push_back({txn.r, txn.s, txn.y_parity});
    where.push_back(i);
  }
  auto senders = crypto::recover_addresses(hashes, sigs);
  for (std::size_t k = 0; k < where.size(); ++k) {
    if (!senders[k]) {
      out[where[k]] = fail(Errc::invalid_signature, senders[k].error().message());
    } else {
      out[where[k]] = *senders[k];
    }
  }
  return out;
}

Result<void> sign_transaction(Transaction& txn, const crypto::SecretKey& key) {
  if (txn.type != TxType::legacy && !txn.chain_id) {
    return fail(Errc::wrong_chain_id, "typed transactions must name a chain id");
  }
  ROLLUP_TRY(crypto::Signature sig, crypto::sign(signing_hash(txn), key));
  txn.r = sig.r;
  txn.s = sig.s;
  txn.y_parity = sig.y_parity;
  return {};
}

std::uint64_t intrinsic_gas(const Transaction& txn) noexcept {
  std::uint64_t gas = txn.is_create() ? 53000 : 21000;
  std::uint64_t zeros = 0;
  for (std::uint8_t b : txn.data) zeros += (b == 0);
  gas += zeros * 4 + (txn.data.size() - zeros) * 16;
  for (const auto& entry : txn.access_list) gas += 2400 + 1900 * entry.storage_keys.size();
  if (txn.is_create()) gas += 2 * ((txn.data.size() + 31) / 32);
  return gas;
}

Result<void> check_transaction(const Transaction& txn, std::uint64_t chain_id) {
  if (txn.type == TxType::blob) {
    // EIP-4844: at least one blob, at most six (786,432 blob gas per block), version 0x01 hashes.
    if (txn.blob_versioned_hashes.empty() || txn.blob_versioned_hashes.size() > 6) {
      return fail(Errc::invalid_blob_count,
                  std::to_string(txn.blob_versioned_hashes.size()) + " blobs");
    }
    for (const Hash& h : txn.blob_versioned_hashes) {
      if (h.bytes[0] != 0x01) return fail(Errc::invalid_blob_version);
    }
  }
  if (txn.chain_id && *txn.chain_id != chain_id) {
    return fail(Errc::wrong_chain_id,
                "have " + std::to_string(*txn.chain_id) + ", want " + std::to_string(chain_id));
  }
  if (auto ok = crypto::check_signature_values(txn.r, txn.s, /*require_low_s=*/true); !ok) {
    return fail(Errc::invalid_signature, ok.error().message());
  }
  if (txn.nonce == UINT64_MAX) return fail(Errc::nonce_max);
  if (txn.max_priority_fee_per_gas > txn.max_fee_per_gas) return fail(Errc::priority_fee_above_max);
  uint256 product;
  if (mul_overflow(uint256(txn.gas_limit), txn.max_fee_per_gas, product)) {
    return fail(Errc::gas_price_product_overflow);
  }
  if (txn.is_create() && txn.data.size() > k_max_initcode_size) {
    return fail(Errc::initcode_too_large, "size " + std::to_string(txn.data.size()) + ", limit " +
                                              std::to_string(k_max_initcode_size));
  }
  const std::uint64_t needed = intrinsic_gas(txn);
  if (txn.gas_limit < needed) {
    return fail(Errc::intrinsic_gas_too_low, "gas " + std::to_string(txn.gas_limit) +
                                                 ", minimum needed " + std::to_string(needed));
  }
  return {};
}

}  // namespace rollup::types
