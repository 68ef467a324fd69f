#pragma once
// A fresh directory under the system's temporary directory, removed with everything in it when
// the test ends.

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "rollup/base/assert.hpp"

namespace rollup::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "rollup-test-XXXXXX").string();
    ROLLUP_ASSERT(::mkdtemp(templ.data()) != nullptr);
    m_path = templ;
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace rollup::testing
