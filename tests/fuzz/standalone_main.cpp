// rollup-evm-fuzz-standalone: the EVM fuzz target without libFuzzer, for any compiler and every
// build (ctest runs it as fuzz.evm_smoke in the release and the sanitizer stages).
//
//   rollup-evm-fuzz-standalone [--seed N] [--runs N] [--seconds S] [--verbose] [PATH...]
//
// Replays each PATH first (a file, or every *.bin file of a directory: the regression inputs),
// then, when --runs or --seconds is given or no PATH is, runs generated inputs from the seed:
// half fully random bytes, half programs of mostly valid instructions (small PUSHes, jumps to
// JUMPDESTs, memory operations at moderate offsets, calls to the other contract and to the
// precompiles, creations from slices of the code), a quarter of those with a few bytes flipped.
// An invariant violation or a sanitizer report ends the process; the input that did it is left in
// evm-fuzz-input-<seed>.bin in the working directory, ready to be replayed or kept under
// tests/fuzz/regressions/ (removed when every input passed).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "evm_fuzz.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/evm/evm.hpp"
#include "rollup/evm/opcodes.hpp"
#include "rollup/net/thread.hpp"
#include "rollup/evm/precompiles.hpp"

namespace rollup::fuzz {
namespace {

// Each generated input is written to a file before it runs and the file is removed at the end, so
// whatever ends the process (an invariant's abort, a sanitizer report, a timeout's SIGKILL) leaves
// the input behind. Two system calls per input: cheap next to running it twice.
class InputKeeper {
 public:
  explicit InputKeeper(std::string path) : m_path(std::move(path)) {
    m_fd = open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (m_fd < 0) std::fprintf(stderr, "evm-fuzz: cannot write %s\n", m_path.c_str());
  }
  ~InputKeeper() {
    if (m_fd < 0) return;
    close(m_fd);
    unlink(m_path.c_str());
  }
  InputKeeper(const InputKeeper&) = delete;
  InputKeeper& operator=(const InputKeeper&) = delete;

  void keep(const Bytes& input) {
    if (m_fd < 0) return;
    if (pwrite(m_fd, input.data(), input.size(), 0) != static_cast<ssize_t>(input.size()) ||
        ftruncate(m_fd, static_cast<off_t>(input.size())) != 0) {
      std::fprintf(stderr, "evm-fuzz: cannot write %s\n", m_path.c_str());
    }
  }
  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  std::string m_path;
  int m_fd = -1;
};

// Inputs of the layout in evm_fuzz.hpp.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : m_rng(seed) {}

  Bytes random_input() {
    // Mostly short, sometimes up to 4 KiB, as libFuzzer's default maximum.
    const std::size_t size = chance(90) ? below(300) : below(4096);
    Bytes out(size);
    for (auto& b : out) b = byte();
    return out;
  }

  Bytes structured_input() {
    Bytes out(k_header_size);
    // Execution gas / 16: tight budgets as well as ample ones.
    const std::uint64_t gas16 = chance(20) ? below(400) : chance(50) ? below(8000) : below(65536);
    out[0] = static_cast<std::uint8_t>(gas16);
    out[1] = static_cast<std::uint8_t>(gas16 >> 8);
    out[2] = byte();
    const bool create = (out[2] & k_flag_create) != 0;
    Bytes calldata(chance(50) ? 0 : below(100));
    for (auto& b : calldata) b = chance(70) ? 0 : byte();
    out[3] = static_cast<std::uint8_t>(calldata.size());
    const Bytes a = program(1 + below(400), create);
    const Bytes b = program(below(300), false);
    out[4] = static_cast<std::uint8_t>(a.size());
    out[5] = static_cast<std::uint8_t>(a.size() >> 8);
    out.insert(out.end(), calldata.begin(), calldata.end());
    out.insert(out.end(), a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    if (chance(25)) {
      for (std::uint64_t flips = 1 + below(3); flips > 0; --flips) out[below(out.size())] = byte();
    }
    return out;
  }

 private:
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : m_rng() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
  std::uint8_t byte() { return static_cast<std::uint8_t>(m_rng()); }
  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

  static void push(Bytes& code, const uint256& value) {
    if (value.is_zero()) {
      code.push_back(evm::OP_PUSH0);
      return;
    }
    const unsigned n = value.byte_length();
    const auto be = value.to_be();
    code.push_back(static_cast<std::uint8_t>(evm::OP_PUSH1 + n - 1));
    code.insert(code.end(), be.end() - n, be.end());
  }
  void push_small(Bytes& code, std::uint64_t bound) { push(code, below(bound)); }

  uint256 address_operand() {
    static const std::uint16_t k_targets[] = {0xaaaa, 0xbbbb, 0xcccc, 0x5e5e, 0xc0c0, 0x0fee};
    if (chance(30)) return 1 + below(evm::k_last_precompile);
    if (chance(10)) return uint256::from_words(m_rng(), m_rng(), m_rng(), m_rng());
    return pick(k_targets);
  }

  uint256 operand() {
    static const uint256 k_interesting[] = {
        0,
        1,
        2,
        31,
        32,
        255,
        256,
        1024,
        uint256(1) << 64,
        uint256(1) << 255,
        uint256::max(),
        uint256::max() - 1,
        (uint256(1) << 255) - 1,
    };
    switch (below(5)) {
      case 0: return pick(k_interesting);
      case 1: return address_operand();
      case 2: return uint256::from_words(m_rng(), m_rng(), m_rng(), m_rng());
      default: return below(65);
    }
  }

  // Follows the stack height through the instructions of code[from..], as if run in order.
  static void track(const Bytes& code, std::size_t from, std::size_t& height) {
    for (std::size_t pc = from; pc < code.size(); ++pc) {
      const evm::OpcodeInfo& info = evm::k_opcodes[code[pc]];
      height = height > info.stack_in ? height - info.stack_in : 0;
      height += info.stack_out;
      if (code[pc] >= evm::OP_PUSH1 && code[pc] <= evm::OP_PUSH32)
        pc += code[pc] - evm::OP_PUSH1 + 1;
    }
  }

  // A program of about `size` bytes. With `initcode`, it ends by returning a slice of itself (or
  // of memory) as the code to deploy.
  Bytes program(std::size_t size, bool initcode) {
    using namespace evm;
    Bytes code;
    std::vector<std::size_t> jumpdests;
    std::vector<std::size_t> forward_jumps;  // positions of PUSH2 immediates to patch
    std::size_t height = 0;  // the stack height straight-line execution would have here
    std::size_t tracked = 0;
    while (code.size() < size) {
      track(code, tracked, height);
      tracked = code.size();
      switch (below(14)) {
        case 0: {  // arithmetic, comparison, bitwise
          static const Opcode k_ops[] = {OP_ADD,        OP_MUL,    OP_SUB,    OP_DIV,    OP_SDIV,
                                         OP_MOD,        OP_SMOD,   OP_ADDMOD, OP_MULMOD, OP_EXP,
                                         OP_SIGNEXTEND, OP_LT,     OP_GT,     OP_SLT,    OP_SGT,
                                         OP_EQ,         OP_ISZERO, OP_AND,    OP_OR,     OP_XOR,
                                         OP_NOT,        OP_BYTE,   OP_SHL,    OP_SHR,    OP_SAR};
          const Opcode op = pick(k_ops);
          for (int i = 0; i < k_opcodes[op].stack_in; ++i) push(code, operand());
          code.push_back(op);
          break;
        }
        case 1: {  // memory at moderate offsets
          static const Opcode k_ops[] = {OP_MSTORE, OP_MSTORE8, OP_MLOAD};
          const Opcode op = pick(k_ops);
          if (op != OP_MLOAD) push(code, operand());
          push_small(code, 2048);
          code.push_back(op);
          break;
        }
        case 2: {  // copies: size, source offset, destination
          static const Opcode k_ops[] = {OP_CALLDATACOPY, OP_CODECOPY,    OP_RETURNDATACOPY,
                                         OP_MCOPY,        OP_EXTCODECOPY, OP_KECCAK256};
          const Opcode op = pick(k_ops);
          push_small(code, 128);
          if (op != OP_KECCAK256) push_small(code, op == OP_RETURNDATACOPY ? 48 : 1024);
          push_small(code, 1024);
          if (op == OP_EXTCODECOPY) push(code, address_operand());
          code.push_back(op);
          break;
        }
        case 3: {  // storage and transient storage on a few slots
          static const Opcode k_ops[] = {OP_SSTORE, OP_SLOAD, OP_TSTORE, OP_TLOAD};
          const Opcode op = pick(k_ops);
          if (op == OP_SSTORE || op == OP_TSTORE) push_small(code, 4);
          push_small(code, 6);
          code.push_back(op);
          break;
        }
        case 4: {  // the environment
          static const Opcode k_ops[] = {OP_ADDRESS,
                                         OP_CALLER,
                                         OP_CALLVALUE,
                                         OP_CALLDATASIZE,
                                         OP_CODESIZE,
                                         OP_GASPRICE,
                                         OP_RETURNDATASIZE,
                                         OP_COINBASE,
                                         OP_TIMESTAMP,
                                         OP_NUMBER,
                                         OP_PREVRANDAO,
                                         OP_GASLIMIT,
                                         OP_CHAINID,
                                         OP_SELFBALANCE,
                                         OP_BASEFEE,
                                         OP_BLOBBASEFEE,
                                         OP_PC,
                                         OP_MSIZE,
                                         OP_GAS,
                                         OP_ORIGIN};
          code.push_back(pick(k_ops));
          break;
        }
        case 5: {  // the environment, with an operand
          switch (below(6)) {
            case 0:
              push(code, address_operand());
              code.push_back(OP_BALANCE);
              break;
            case 1:
              push(code, address_operand());
              code.push_back(OP_EXTCODESIZE);
              break;
            case 2:
              push(code, address_operand());
              code.push_back(OP_EXTCODEHASH);
              break;
            case 3:
              push_small(code, 310);
              code.push_back(OP_BLOCKHASH);
              break;
            case 4:
              push_small(code, 4);
              code.push_back(OP_BLOBHASH);
              break;
            default:
              push_small(code, 80);
              code.push_back(OP_CALLDATALOAD);
              break;
          }
          break;
        }
        case 6:
        case 7: {  // calls: out size, out offset, in size, in offset, [value], target, gas
          static const Opcode k_ops[] = {OP_CALL, OP_CALLCODE, OP_DELEGATECALL, OP_STATICCALL};
          const Opcode op = pick(k_ops);
          push_small(code, 65);
          push_small(code, 256);
          push_small(code, 200);
          push_small(code, 256);
          if (op == OP_CALL || op == OP_CALLCODE) push(code, chance(70) ? 0 : below(3));
          push(code, address_operand());
          if (chance(60)) {
            code.push_back(OP_GAS);
          } else {
            push_small(code, 60000);
          }
          code.push_back(op);
          break;
        }
        case 8: {  // a creation from a slice of this code copied to memory
          const std::uint64_t n = below(200);
          push(code, n);
          push_small(code, std::max<std::uint64_t>(size, 1));
          push(code, 0);
          code.push_back(OP_CODECOPY);
          const bool create2 = chance(50);
          if (create2) push(code, operand());
          push(code, n);
          push(code, 0);
          push(code, chance(80) ? 0 : 1);
          code.push_back(create2 ? OP_CREATE2 : OP_CREATE);
          break;
        }
        case 9: {  // logs
          const int topics = static_cast<int>(below(5));
          for (int i = 0; i < topics; ++i) push(code, operand());
          push_small(code, 64);
          push_small(code, 256);
          code.push_back(static_cast<std::uint8_t>(OP_LOG0 + topics));
          break;
        }
        case 10: {  // control flow
          if (chance(40) || jumpdests.empty()) {
            jumpdests.push_back(code.size());
            code.push_back(OP_JUMPDEST);
            break;
          }
          const bool conditional = chance(60);
          if (conditional) push(code, chance(50) ? uint256(below(2)) : operand());
          code.push_back(OP_PUSH2);
          if (chance(50)) {  // backwards: a loop, which gas ends
            const std::size_t dest = jumpdests[below(jumpdests.size())];
            code.push_back(static_cast<std::uint8_t>(dest >> 8));
            code.push_back(static_cast<std::uint8_t>(dest));
          } else {
            forward_jumps.push_back(code.size());
            code.push_back(0);
            code.push_back(0);
          }
          code.push_back(conditional ? OP_JUMPI : OP_JUMP);
          break;
        }
        case 11: {  // stack shuffling within what the stack holds
          if (height == 0) {
            push(code, operand());
          } else if (chance(30)) {
            code.push_back(OP_POP);
          } else if (height >= 2 && chance(50)) {
            code.push_back(
                static_cast<std::uint8_t>(OP_SWAP1 + below(std::min<std::size_t>(16, height - 1))));
          } else {
            code.push_back(
                static_cast<std::uint8_t>(OP_DUP1 + below(std::min<std::size_t>(16, height))));
          }
          break;
        }
        case 12: {  // an end, now and then
          if (!chance(15)) {
            push(code, operand());
            break;
          }
          switch (below(5)) {
            case 0: code.push_back(OP_STOP); break;
            case 1: code.push_back(OP_INVALID); break;
            case 2:
              push(code, address_operand());
              code.push_back(OP_SELFDESTRUCT);
              break;
            default:
              push_small(code, 64);
              push_small(code, 128);
              code.push_back(chance(50) ? OP_RETURN : OP_REVERT);
              break;
          }
          break;
        }
        default: code.push_back(byte()); break;  // anything at all
      }
    }
    if (initcode) {  // deploy a slice of this code, possibly starting with 0xEF or too long
      const std::uint64_t n = chance(5) ? k_max_code_size + below(3) : below(code.size() + 40);
      push(code, n);
      push_small(code, code.size() + 1);
      push(code, 0);
      code.push_back(OP_CODECOPY);
      if (chance(10)) {
        push(code, 0xef);
        push(code, 0);
        code.push_back(OP_MSTORE8);
      }
      push(code, n);
      push(code, 0);
      code.push_back(OP_RETURN);
    }
    for (const std::size_t at : forward_jumps) {
      const std::size_t dest = jumpdests.empty() || chance(10) ? below(code.size() + 2)
                                                               : jumpdests[below(jumpdests.size())];
      code[at] = static_cast<std::uint8_t>(dest >> 8);
      code[at + 1] = static_cast<std::uint8_t>(dest);
    }
    return code;
  }

  std::mt19937_64 m_rng;
};

struct Stats {
  std::uint64_t runs = 0;
  std::uint64_t creates = 0;
  std::uint64_t gas_used = 0;
  std::uint64_t logs = 0;
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> statuses;

  void add(const EvmOutcome& o, std::size_t size) {
    ++runs;
    creates += o.create ? 1 : 0;
    gas_used += o.gas_used;
    logs += o.logs;
    bytes += size;
    ++statuses[evm::to_string(o.status)];
  }
  void print(const char* what) const {
    std::printf("%s: %llu inputs (%llu creations), %llu bytes, %llu gas, %llu logs\n", what,
                static_cast<unsigned long long>(runs), static_cast<unsigned long long>(creates),
                static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(gas_used),
                static_cast<unsigned long long>(logs));
    for (const auto& [status, n] : statuses) {
      std::printf("  %-40s %llu\n", status.c_str(), static_cast<unsigned long long>(n));
    }
  }
};

bool replay(const std::filesystem::path& path, Stats& stats, bool verbose) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "evm-fuzz: cannot read %s\n", path.c_str());
    return false;
  }
  const Bytes input{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const EvmOutcome o = run_evm_input(input);
  stats.add(o, input.size());
  if (verbose) {
    std::printf("replayed %s: %s, gas %llu of %llu\n", path.c_str(), evm::to_string(o.status),
                static_cast<unsigned long long>(o.gas_used),
                static_cast<unsigned long long>(o.gas_limit));
  }
  return true;
}

int usage() {
  std::fprintf(stderr,
               "usage: rollup-evm-fuzz-standalone [--seed N] [--runs N] [--seconds S] "
               "[--verbose] [PATH...]\n");
  return 2;
}

int main_impl(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;
  double seconds = 0;
  bool verbose = false;
  std::vector<std::filesystem::path> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    try {
      if (arg == "--seed" && has_value) {
        seed = std::stoull(argv[++i]);
      } else if (arg == "--runs" && has_value) {
        runs = std::stoull(argv[++i]);
      } else if (arg == "--seconds" && has_value) {
        seconds = std::stod(argv[++i]);
      } else if (arg == "--verbose") {
        verbose = true;
      } else if (arg.starts_with("-")) {
        return usage();
      } else {
        paths.emplace_back(arg);
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "evm-fuzz: %s needs a number\n", arg.c_str());
      return 2;
    }
  }
  Stats replayed;
  for (const auto& path : paths) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".bin") {
          files.push_back(entry.path());
        }
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const auto& file : files) {
      if (!replay(file, replayed, verbose)) return 1;
    }
  }
  if (!paths.empty()) replayed.print("replayed");
  if (!paths.empty() && runs == 0 && seconds == 0) return 0;
  if (runs == 0 && seconds == 0) runs = 10000;

  InputKeeper keeper(std::filesystem::absolute("evm-fuzz-input-" + std::to_string(seed) + ".bin"));
  std::printf("seed %llu; should this process die, the input it was running is in %s\n",
              static_cast<unsigned long long>(seed), keeper.path().c_str());
  std::fflush(stdout);
  Generator generator(seed);
  Stats random;
  Stats structured;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (std::uint64_t i = 0; (runs == 0 || i < runs) && (seconds == 0 || elapsed() < seconds); ++i) {
    const bool structured_input = i % 2 == 1;
    const Bytes input = structured_input ? generator.structured_input() : generator.random_input();
    keeper.keep(input);
    const EvmOutcome o = run_evm_input(input);
    (structured_input ? structured : random).add(o, input.size());
    if (verbose) {
      std::printf("%llu %s: %s, gas %llu of %llu\n", static_cast<unsigned long long>(i),
                  hex::encode(input).c_str(), evm::to_string(o.status),
                  static_cast<unsigned long long>(o.gas_used),
                  static_cast<unsigned long long>(o.gas_limit));
    }
  }
  const double took = elapsed();
  std::printf("seed %llu, %.1f s, %.0f inputs/s\n", static_cast<unsigned long long>(seed), took,
              static_cast<double>(random.runs + structured.runs) / std::max(took, 1e-9));
  random.print("random bytes");
  structured.print("structured programs");
  return 0;
}

}  // namespace
}  // namespace rollup::fuzz

// Deep call chains need the stack the node's executing threads have (evm::k_execution_stack_bytes);
// the main thread's 8 MiB is too little under the sanitizers.
int main(int argc, char** argv) {
  int status = 0;
  rollup::net::Thread worker(rollup::evm::k_execution_stack_bytes,
                             [&] { status = rollup::fuzz::main_impl(argc, argv); });
  worker.join();
  return status;
}
