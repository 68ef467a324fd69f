#pragma once
// Always-on assertions for invariants whose violation is a bug in rollupd itself. They stay active in
// optimised builds: continuing past a broken invariant in a node risks writing a wrong state.

namespace rollup::detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line) noexcept;
}  // namespace rollup::detail

#define ROLLUP_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::rollup::detail::assert_failed(#expr, __FILE__, __LINE__))
