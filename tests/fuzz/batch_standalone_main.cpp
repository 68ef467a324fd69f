// rollup-batch-fuzz-standalone: the L1 data fuzz target (batch_fuzz.hpp) without libFuzzer, for
// any compiler and every build (ctest runs it as fuzz.batch_smoke in both test stages).
//
//   rollup-batch-fuzz-standalone [--seed N] [--seconds S] [--runs N]
//
// Inputs are generated from valid batches, because random bytes almost never pass the version and
// size checks: a random batch (every transaction type, calldata of every word form, access lists,
// several blocks and L1 origins; signatures are random values, which the codec does not check) is
// encoded with a random section form (none, zstd, brotli, modelled), then usually damaged (bytes
// flipped, cut, inserted, or a span copied from elsewhere). Half the inputs go to the frame path
// instead: the damaged or intact payload is cut into frames of random size, which are shuffled,
// duplicated, dropped or corrupted and mixed with garbage calldata. An invariant violation or a
// sanitizer report ends the process and leaves the input in batch-fuzz-input-<seed>.bin.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "batch_fuzz.hpp"
#include "rollup/batch/batch.hpp"
#include "rollup/batch/frame.hpp"

namespace rollup::fuzz {
namespace {

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : m_rng(seed) {}

  Bytes input() {
    Bytes payload = encoded_batch();
    if (chance(75)) damage(payload);
    Bytes out;
    if (chance(50)) {
      out.push_back(static_cast<std::uint8_t>(2 * below(128)));
      append(out, payload);
      return out;
    }
    out.push_back(static_cast<std::uint8_t>(2 * below(128) + 1));
    const std::size_t frame_size = batch::k_frame_overhead + 1 + below(payload.size() + 64);
    std::vector<Bytes> frames = *batch::make_frames(payload, frame_size);
    if (chance(30)) std::shuffle(frames.begin(), frames.end(), m_rng);
    if (chance(20) && frames.size() > 1) frames.erase(frames.begin() + below(frames.size()));
    if (chance(20)) frames.push_back(frames[below(frames.size())]);
    if (chance(20)) damage(frames[below(frames.size())]);
    if (chance(20)) frames.insert(frames.begin() + below(frames.size() + 1), garbage());
    for (const auto& f : frames) {
      const std::size_t n = std::min<std::size_t>(f.size(), 0xffff);
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n));
      out.insert(out.end(), f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return out;
  }

 private:
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : m_rng() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
  std::uint8_t byte() { return static_cast<std::uint8_t>(m_rng()); }

  Bytes garbage() {
    Bytes g(below(200));
    for (auto& b : g) b = byte();
    if (!g.empty() && chance(50)) g[0] = batch::k_frame_version;
    return g;
  }

  uint256 number() {
    switch (below(4)) {
      case 0: return below(3);
      case 1: return uint256(below(10'000)) * uint256(1'000'000'000'000ULL);
      case 2: return uint256::from_words(m_rng(), m_rng(), m_rng(), m_rng());
      default: return m_rng();
    }
  }

  Address address() {
    Address a;
    if (chance(60)) {
      a.bytes[19] = static_cast<std::uint8_t>(below(6));  // a few that repeat
      a.bytes[0] = chance(50) ? 0 : 1;
    } else {
      for (auto& b : a.bytes) b = byte();
    }
    return a;
  }

  Bytes calldata() {
    Bytes d;
    if (chance(30)) return d;
    if (chance(30)) {
      d.resize(below(80));
      for (auto& b : d) b = byte();
      return d;
    }
    d = {0xa9, 0x05, 0x9c, static_cast<std::uint8_t>(below(3))};
    for (std::uint64_t w = below(5); w > 0; --w) {
      Bytes word(32, 0);
      switch (below(5)) {
        case 0: break;
        case 1: {
          const Address a = address();
          std::copy(a.bytes.begin(), a.bytes.end(), word.begin() + 12);
          break;
        }
        case 2: number().to_be32(word.data()); break;
        case 3: uint256(below(1000)).to_be32(word.data()); break;
        default:
          for (auto& b : word) b = byte();
      }
      append(d, word);
    }
    return d;
  }

  types::Transaction transaction(std::uint64_t chain) {
    types::Transaction t;
    t.type = static_cast<types::TxType>(below(3));
    if (t.type != types::TxType::legacy || chance(70)) t.chain_id = chain;
    t.nonce = chance(80) ? below(1000) : m_rng();
    t.gas_limit = chance(80) ? 21'000 + below(100'000) : m_rng();
    t.max_priority_fee_per_gas = number();
    t.max_fee_per_gas = t.max_priority_fee_per_gas;
    if (t.type == types::TxType::dynamic_fee && chance(80)) {
      const uint256 extra = number();
      if (!(extra > uint256::max() - t.max_fee_per_gas)) t.max_fee_per_gas += extra;
    }
    if (!chance(10)) t.to = address();
    t.value = number();
    t.data = calldata();
    if (t.type != types::TxType::legacy && chance(20)) {
      for (std::uint64_t n = 1 + below(3); n > 0; --n) {
        types::AccessListEntry e{address(), {}};
        for (std::uint64_t k = below(3); k > 0; --k) e.storage_keys.push_back(Hash{});
        t.access_list.push_back(e);
      }
    }
    t.y_parity = static_cast<std::uint8_t>(below(2));
    t.r = uint256::from_words(m_rng(), m_rng(), m_rng(), m_rng());
    t.s = uint256::from_words(m_rng() >> 1, m_rng(), m_rng(), m_rng());
    return t;
  }

  Bytes encoded_batch() {
    batch::Batch b;
    b.chain_id = chance(90) ? 901 : m_rng();
    std::uint64_t number = chance(90) ? below(1'000'000) : m_rng() >> 1;
    std::uint64_t time = below(2'000'000'000);
    batch::L1Origin origin{below(100'000), Hash{}};
    origin.hash.bytes[0] = byte();
    for (std::uint64_t n = 1 + below(4); n > 0; --n) {
      batch::BlockData d;
      d.number = number++;
      d.timestamp = time += below(3);
      d.gas_limit = chance(90) ? 30'000'000 : m_rng();
      d.beneficiary = address();
      if (chance(30)) {
        origin.number += 1 + below(3);
        origin.hash.bytes[0] = byte();
      }
      d.origin = origin;
      for (std::uint64_t t = below(6); t > 0; --t)
        d.transactions.push_back(transaction(b.chain_id));
      b.blocks.push_back(std::move(d));
    }
    const auto c = static_cast<batch::Compression>(below(4));
    const bool levelled = c == batch::Compression::zstd || c == batch::Compression::brotli;
    auto encoded = batch::encode_batch(
        b, {.compression = c, .level = levelled ? 1 + static_cast<int>(below(5)) : 0});
    if (!encoded) {
      std::fprintf(stderr, "batch-fuzz: the generator made a batch the encoder refuses: %s\n",
                   encoded.error().message().c_str());
      std::abort();
    }
    return std::move(*encoded);
  }

  void damage(Bytes& b) {
    for (std::uint64_t n = 1 + below(3); n > 0 && !b.empty(); --n) {
      switch (below(4)) {
        case 0: b[below(b.size())] ^= static_cast<std::uint8_t>(1u << below(8)); break;
        case 1: b.resize(below(b.size())); break;
        case 2:
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), byte());
          break;
        default: {
          const std::size_t from = below(b.size()), to = below(b.size());
          const std::size_t len = std::min(below(16) + 1, b.size() - std::max(from, to));
          std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(from), len,
                      b.begin() + static_cast<std::ptrdiff_t>(to));
        }
      }
    }
  }

  std::mt19937_64 m_rng;
};

}  // namespace
}  // namespace rollup::fuzz

int main(int argc, char** argv) {
  std::uint64_t seed = 1, runs = 0;
  double seconds = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (arg == "--runs")
      runs = std::strtoull(argv[i + 1], nullptr, 10);
    else if (arg == "--seconds")
      seconds = std::strtod(argv[i + 1], nullptr);
    else {
      std::fprintf(stderr,
                   "usage: rollup-batch-fuzz-standalone [--seed N] [--seconds S] [--runs N]\n");
      return 2;
    }
  }
  if (runs == 0 && seconds == 0) runs = 10'000;
  const std::string keep = "batch-fuzz-input-" + std::to_string(seed) + ".bin";
  rollup::fuzz::Generator gen(seed);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::uint64_t i = 0, bytes = 0;
  for (; (runs == 0 || i < runs) && (seconds == 0 || elapsed() < seconds); ++i) {
    const rollup::Bytes input = gen.input();
    {
      std::ofstream f(keep, std::ios::binary | std::ios::trunc);
      f.write(reinterpret_cast<const char*>(input.data()),
              static_cast<std::streamsize>(input.size()));
    }
    bytes += input.size();
    rollup::fuzz::run_batch_input(input);
  }
  ::unlink(keep.c_str());
  std::printf("seed %llu: %llu inputs, %llu bytes, %.1f s\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(i), static_cast<unsigned long long>(bytes),
              elapsed());
  return 0;
}
