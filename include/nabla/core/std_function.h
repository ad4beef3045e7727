#pragma once
// std::function for nabla's public headers. <functional> costs a tenth of a second in every file that includes
// nabla (in C++20, libstdc++'s <functional> brings <unordered_map>, <array> and the algorithms for its searchers);
// with libstdc++, std::function alone is <bits/std_function.h>. Code that uses std::bind, std::ref or the searchers
// includes <functional> itself.
#if __has_include(<bits/std_function.h>)
#include <bits/std_function.h>
#else
#include <functional>
#endif
