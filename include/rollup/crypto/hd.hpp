#pragma once
// BIP-39 seeds and BIP-32 derivation of secp256k1 keys, for the development accounts every devnet
// tool funds ("test test ... junk", m/44'/60'/0'/0/i): the load generator and the devnet derive the
// same keys anvil and Hardhat do. Not a wallet: the mnemonic's words are not checked against the
// BIP-39 word list, and it is taken as given (NFKD normalisation is the identity for the ASCII
// phrases this is used with).

#include <cstdint>
#include <span>
#include <string_view>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/crypto/secp256k1.hpp"

namespace rollup::crypto {

// The standard development mnemonic of anvil and Hardhat.
inline constexpr std::string_view k_dev_mnemonic =
    "test test test test test test test test test test test junk";

// Bit 31 marks a hardened step (written 44' in a path).
inline constexpr std::uint32_t k_hardened = 0x80000000u;

// PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048): the 64-byte BIP-39 seed.
[[nodiscard]] FixedBytes<64> bip39_seed(std::string_view mnemonic,
                                        std::string_view passphrase = "");

// The key at `path` below the seed's master key (BIP-32, private derivation).
[[nodiscard]] Result<SecretKey> derive_key(const FixedBytes<64>& seed,
                                           std::span<const std::uint32_t> path);

// m/44'/60'/0'/0/index: Ethereum's first account path, as every wallet and devnet uses it.
[[nodiscard]] Result<SecretKey> ethereum_account_key(const FixedBytes<64>& seed,
                                                     std::uint32_t index);

}  // namespace rollup::crypto
