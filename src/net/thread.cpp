#include "rollup/net/thread.hpp"

#include <memory>
#include <utility>

#include "rollup/base/assert.hpp"

namespace rollup::net {
namespace {

void* trampoline(void* arg) {
  const std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(arg));
  (*fn)();
  return nullptr;
}

}  // namespace

Thread::Thread(std::size_t stack_bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  ROLLUP_ASSERT(pthread_attr_init(&attr) == 0);
  if (stack_bytes != 0) ROLLUP_ASSERT(pthread_attr_setstacksize(&attr, stack_bytes) == 0);
  auto* owned = new std::function<void()>(std::move(fn));
  const int rc = pthread_create(&m_handle, &attr, trampoline, owned);
  pthread_attr_destroy(&attr);
  if (rc != 0) delete owned;
  ROLLUP_ASSERT(rc == 0);
  m_joinable = true;
}

Thread::Thread(Thread&& other) noexcept
    : m_handle(other.m_handle), m_joinable(std::exchange(other.m_joinable, false)) {}

Thread& Thread::operator=(Thread&& other) noexcept {
  ROLLUP_ASSERT(!m_joinable);
  m_handle = other.m_handle;
  m_joinable = std::exchange(other.m_joinable, false);
  return *this;
}

Thread::~Thread() {
  ROLLUP_ASSERT(!m_joinable);
}

bool Thread::is_current() const noexcept {
  return m_joinable && pthread_equal(m_handle, pthread_self()) != 0;
}

void Thread::join() {
  ROLLUP_ASSERT(m_joinable && !is_current());
  ROLLUP_ASSERT(pthread_join(m_handle, nullptr) == 0);
  m_joinable = false;
}

}  // namespace rollup::net
