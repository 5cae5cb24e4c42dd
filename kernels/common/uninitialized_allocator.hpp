// A std::allocator whose elements made without arguments (vector::resize, emplace_back()) are
// left uninitialised, for large buffers that are written in full afterwards: zero-filling them
// first is one more pass over memory touched for the first time, and makes the whole buffer
// resident at once rather than where and when it is written.
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace crmpi {

template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): as std::allocator
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      // Not even default-initialised (that would write default member initialisers): only for
      // types whose bytes are their value, so a later copy or write into the slot is all it needs.
      static_assert(std::is_trivially_copyable_v<U> && std::is_trivially_destructible_v<U>);
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }
};

// A vector whose resize() leaves the new elements uninitialised (see above).
template <class T>
using UninitializedVector = std::vector<T, UninitializedAllocator<T>>;

}  // namespace crmpi
