# ctest helper: the ```cpp block of README.md must be examples/readme_example.cpp minus its first
# (comment) line, so the code the README shows is the code that is compiled and run.
# Usage: cmake -DREADME=<README.md> -DEXAMPLE=<readme_example.cpp> -P check_readme_example.cmake
file(READ "${README}" readme)
string(FIND "${readme}" "```cpp\n" begin)
if(begin EQUAL -1)
  message(FATAL_ERROR "README.md has no ```cpp block")
endif()
math(EXPR begin "${begin} + 7")
string(SUBSTRING "${readme}" ${begin} -1 rest)
string(FIND "${rest}" "```" end)
string(SUBSTRING "${rest}" 0 ${end} block)
file(READ "${EXAMPLE}" example)
string(FIND "${example}" "\n" first_newline)
math(EXPR first_newline "${first_newline} + 1")
string(SUBSTRING "${example}" ${first_newline} -1 example)
if(NOT block STREQUAL example)
  message(FATAL_ERROR "README.md's C++ example differs from ${EXAMPLE} (after its first line); keep them equal")
endif()
