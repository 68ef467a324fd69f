#pragma once
// Code ready to run: the bytes padded so the interpreter never reads past them, and the jump
// destination map. Analysis is linear in the code size; contracts are called far more often than
// they change, so analysed code is cached by code hash, process-wide (the cache is shared by the
// sequencer and every RPC thread running eth_call).

#include <cstdint>
#include <memory>
#include <vector>

#include "rollup/base/bytes.hpp"

namespace rollup::evm {

class AnalyzedCode {
 public:
  explicit AnalyzedCode(ByteView code);

  // The code, followed by 33 zero bytes: a PUSH32 at the very end reads zeros, and running off
  // the end reads STOP, exactly as the EVM defines both. 32 zero bytes also precede it, so a PUSH
  // can load the 32-byte word that ends at its last immediate byte and mask it (k_front_pad).
  [[nodiscard]] const std::uint8_t* data() const noexcept { return m_padded.data() + k_front_pad; }
  [[nodiscard]] std::size_t size() const noexcept { return m_size; }
  [[nodiscard]] ByteView bytes() const noexcept { return {data(), m_size}; }
  static constexpr std::size_t k_front_pad = 32;
  // Whether `pc` holds a JUMPDEST opcode (not a 0x5b inside PUSH data).
  [[nodiscard]] bool is_jumpdest(std::uint64_t pc) const noexcept {
    return pc < m_size && ((m_jumpdests[pc / 64] >> (pc % 64)) & 1) != 0;
  }

 private:
  std::size_t m_size;
  Bytes m_padded;
  std::vector<std::uint64_t> m_jumpdests;  // one bit per code byte
};

using CodePtr = std::shared_ptr<const AnalyzedCode>;

// Process-wide cache of analysed code by code hash, bounded by the bytes it holds; the least
// recently used code goes first. Thread-safe.
namespace code_cache {
[[nodiscard]] CodePtr find(const Hash& code_hash);
void insert(const Hash& code_hash, CodePtr code);
}  // namespace code_cache

}  // namespace rollup::evm
