#include "code.hpp"

#include <list>
#include <mutex>
#include <unordered_map>

#include "rollup/evm/opcodes.hpp"

namespace rollup::evm {

AnalyzedCode::AnalyzedCode(ByteView code)
    : m_size(code.size()),
      m_padded(k_front_pad + code.size() + 33, 0),
      m_jumpdests((code.size() + 63) / 64, 0) {
  std::copy(code.begin(), code.end(), m_padded.begin() + k_front_pad);
  for (std::size_t pc = 0; pc < m_size; ++pc) {
    const std::uint8_t op = code[pc];
    if (op == OP_JUMPDEST) {
      m_jumpdests[pc / 64] |= std::uint64_t{1} << (pc % 64);
    } else if (op >= OP_PUSH1 && op <= OP_PUSH32) {
      pc += op - OP_PUSH1 + 1;  // skip the immediate bytes
    }
  }
}

namespace code_cache {
namespace {

// 64 MiB holds every contract a busy chain calls in a while; the biggest contract is 24 KiB.
constexpr std::size_t k_capacity_bytes = 64u << 20;

struct Cache {
  std::mutex mutex;
  std::list<Hash> order;  // most recently used first
  struct Entry {
    CodePtr code;
    std::list<Hash>::iterator position;
  };
  std::unordered_map<Hash, Entry> entries;
  std::size_t bytes = 0;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

}  // namespace

CodePtr find(const Hash& code_hash) {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  const auto it = c.entries.find(code_hash);
  if (it == c.entries.end()) return nullptr;
  c.order.splice(c.order.begin(), c.order, it->second.position);
  return it->second.code;
}

void insert(const Hash& code_hash, CodePtr code) {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  if (c.entries.contains(code_hash)) return;
  c.bytes += code->size();
  c.order.push_front(code_hash);
  c.entries.emplace(code_hash, Cache::Entry{std::move(code), c.order.begin()});
  while (c.bytes > k_capacity_bytes && c.order.size() > 1) {
    const auto last = c.entries.find(c.order.back());
    c.bytes -= last->second.code->size();
    c.entries.erase(last);
    c.order.pop_back();
  }
}

}  // namespace code_cache
}  // namespace rollup::evm
