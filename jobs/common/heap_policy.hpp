// The process's heap policy as its surroundings set it (kernels/common/memory_reuse.hpp applies
// it): the environment's two switches and the kernel's overcommit mode. Header-only, so that the
// benchmarks and the scaling drivers that stand for the crmpi executable read it the same way
// without linking the jobs.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/common/memory_reuse.hpp"

namespace crmpi {

// The variable's value, "" when it is not set.
inline const char* environment_value(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// Linux's /proc/sys/vm/overcommit_memory: 0 (heuristic) and 1 (always) let an untouched
// reservation cost nothing; 2 (strict) charges it as committed memory. Unreadable: treated as strict.
inline bool kernel_allows_overcommit() {
  std::FILE* f = std::fopen("/proc/sys/vm/overcommit_memory", "r");
  if (f == nullptr) return false;
  const int mode = std::fgetc(f);
  std::fclose(f);
  return mode == '0' || mode == '1';
}

inline HeapPolicy heap_policy_from_environment() {
  HeapPolicy policy;
  const char* ret = environment_value("CRMPI_RETURN_FREED_MEMORY");  // on: any value but "" and "0"
  policy.keep_freed = *ret == '\0' || std::strcmp(ret, "0") == 0;
  policy.huge_pages = std::strcmp(environment_value("CRMPI_HEAP_HUGE_PAGES"), "0") != 0;  // off: "0"
  policy.overcommit_allowed = policy.keep_freed && policy.huge_pages && kernel_allows_overcommit();
  return policy;
}

// The call every main of crmpi's (and of what stands for it) makes first.
inline bool apply_heap_policy_from_environment() { return keep_freed_memory_for_reuse(heap_policy_from_environment()); }

}  // namespace crmpi
