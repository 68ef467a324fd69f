#pragma once
// A joinable thread whose stack size is chosen, which std::thread cannot do. Threads that execute
// EVM code need it: the interpreter recurses once per call frame, and the 1024 frames the EVM
// allows take about 1.4 MiB of stack in an optimised build and about 16 MiB under AddressSanitizer,
// more than the 8 MiB a thread gets by default (see evm::k_execution_stack_bytes). The stack is
// reserved address space; only the pages a deep call chain touches take memory.

#include <cstddef>
#include <functional>

#include <pthread.h>

namespace rollup::net {

class Thread {
 public:
  Thread() noexcept = default;
  // Runs `fn` on a new thread with `stack_bytes` of stack (0: the system default). Aborts when the
  // thread cannot be created, as std::thread would throw.
  Thread(std::size_t stack_bytes, std::function<void()> fn);
  Thread(Thread&& other) noexcept;
  Thread& operator=(Thread&& other) noexcept;
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  // A thread still running must be joined first: destroying it is a bug.
  ~Thread();

  [[nodiscard]] bool joinable() const noexcept { return m_joinable; }
  // Whether the caller is this thread (joining it from itself would wait forever).
  [[nodiscard]] bool is_current() const noexcept;
  void join();

 private:
  pthread_t m_handle{};
  bool m_joinable = false;
};

}  // namespace rollup::net
