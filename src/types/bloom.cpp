#include "rollup/crypto/keccak.hpp"
#include "rollup/types/receipt.hpp"

namespace rollup::types {
namespace {

// The three (byte index, bit mask) pairs an entry sets.
struct BloomBits {
  std::size_t index[3];
  std::uint8_t mask[3];
};

BloomBits bloom_bits(ByteView entry) noexcept {
  const Hash h = crypto::keccak256(entry);
  BloomBits bits{};
  for (int i = 0; i < 3; ++i) {
    const unsigned bit = ((static_cast<unsigned>(h.bytes[2 * i]) << 8) | h.bytes[2 * i + 1]) & 2047u;
    bits.index[i] = 255 - bit / 8;
    bits.mask[i] = static_cast<std::uint8_t>(1u << (bit % 8));
  }
  return bits;
}

}  // namespace

void bloom_add(Bloom& bloom, ByteView entry) noexcept {
  const BloomBits bits = bloom_bits(entry);
  for (int i = 0; i < 3; ++i) bloom.bytes[bits.index[i]] |= bits.mask[i];
}

bool bloom_may_contain(const Bloom& bloom, ByteView entry) noexcept {
  const BloomBits bits = bloom_bits(entry);
  for (int i = 0; i < 3; ++i) {
    if ((bloom.bytes[bits.index[i]] & bits.mask[i]) == 0) return false;
  }
  return true;
}

Bloom logs_bloom(const std::vector<Log>& logs) noexcept {
  Bloom bloom;
  for (const Log& log : logs) {
    bloom_add(bloom, log.address.view());
    for (const Hash& topic : log.topics) bloom_add(bloom, topic.view());
  }
  return bloom;
}

void bloom_merge(Bloom& into, const Bloom& other) noexcept {
  for (std::size_t i = 0; i < into.bytes.size(); ++i) into.bytes[i] |= other.bytes[i];
}

}  // namespace rollup::types
