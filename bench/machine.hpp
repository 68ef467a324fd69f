#pragma once
// The machine line every benchmark prints first, so a figure is never read without knowing where it
// was measured (docs/performance.md).

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace rollup::bench {

inline void print_machine() {
  std::string model = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::printf("machine: %ld cpus online, %s\n", ::sysconf(_SC_NPROCESSORS_ONLN), model.c_str());
}

}  // namespace rollup::bench
