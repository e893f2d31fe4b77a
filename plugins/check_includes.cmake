# SPDX-License-Identifier: MIT
# Checks that no plugin includes another plugin's files or the core's (ctest
# plugins:include_boundaries). A plugin sees abi/ and plugins/common/ only: what two
# plugins share belongs in plugins/common/, and the core is reached through the ABI.
#
#   cmake -DROOT=<source tree> -P check_includes.cmake       check the tree; fails on a find
#   cmake -DSELF_TEST=<empty dir> -P check_includes.cmake    build a small tree with known
#                                                            violations there; fails unless
#                                                            exactly those are found
#
# An #include "..." or <...> of a plugin under plugins/{workloads,probes}/X is resolved as
# a compiler would find it in this tree: from the including file's directory, from X, then
# from every other plugin's directory, core/src, core/worker and core/. The first file found
# must lie inside X; a name found nowhere is a system, abi/ or plugins/common/ header.
cmake_minimum_required(VERSION 3.25)

# Appends "FILE:LINE includes NAME, which is OTHER" to the list variable `out`.
function(check_plugin_includes root out)
  set(found "")
  file(GLOB plugin_dirs LIST_DIRECTORIES true "${root}/plugins/workloads/*" "${root}/plugins/probes/*")
  list(FILTER plugin_dirs EXCLUDE REGEX "/[^/]*\\.[^/]*$")  # directories only, not files
  set(core_dirs "${root}/core/src" "${root}/core/worker" "${root}/core")
  foreach(plugin ${plugin_dirs})
    if(NOT IS_DIRECTORY "${plugin}")
      continue()
    endif()
    set(others ${plugin_dirs})
    list(REMOVE_ITEM others "${plugin}")
    file(GLOB_RECURSE sources "${plugin}/*.c" "${plugin}/*.cc" "${plugin}/*.cpp" "${plugin}/*.h"
         "${plugin}/*.hpp")
    foreach(source ${sources})
      get_filename_component(source_dir "${source}" DIRECTORY)
      file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
      file(READ "${source}" text)
      foreach(line ${lines})
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">].*$" "\\1" name "${line}")
        # Own files first, as the compiler's search would find them.
        set(resolved "")
        foreach(dir "${source_dir}" "${plugin}" "${plugin}/.." ${others} ${core_dirs})
          if(EXISTS "${dir}/${name}" AND NOT IS_DIRECTORY "${dir}/${name}")
            file(REAL_PATH "${dir}/${name}" resolved)
            break()
          endif()
        endforeach()
        if(resolved STREQUAL "")
          continue()
        endif()
        file(REAL_PATH "${plugin}" plugin_real)
        string(FIND "${resolved}" "${plugin_real}/" inside)
        if(NOT inside EQUAL 0)
          # The line number: newlines before the first occurrence of the line.
          string(FIND "${text}" "${line}" at)
          string(SUBSTRING "${text}" 0 ${at} before)
          string(REGEX MATCHALL "\n" newlines "${before}")
          list(LENGTH newlines line_no)
          math(EXPR line_no "${line_no} + 1")
          file(RELATIVE_PATH shown_source "${root}" "${source}")
          file(REAL_PATH "${root}" root_real)
          file(RELATIVE_PATH shown_target "${root_real}" "${resolved}")
          list(APPEND found "${shown_source}:${line_no} includes '${name}', which is ${shown_target}")
        endif()
      endforeach()
    endforeach()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

if(DEFINED SELF_TEST)
  # A tree with two plugins and a core: plugin a includes its own header (fine), a system
  # and an abi header (fine), b's header by a relative path and by its bare name, and a
  # core header: three violations.
  set(root "${SELF_TEST}")
  file(REMOVE_RECURSE "${root}")
  file(WRITE "${root}/plugins/workloads/a/own.hpp" "#pragma once\n")
  file(WRITE "${root}/plugins/workloads/a/a.cpp"
       "#include \"own.hpp\"\n#include <vector>\n#include <benchlab/plugin.h>\n"
       "#include \"../b/shared.hpp\"\n#include \"shared.hpp\"\n  #  include \"stats.h\"\n")
  file(WRITE "${root}/plugins/workloads/b/shared.hpp" "#pragma once\n")
  file(WRITE "${root}/plugins/workloads/b/b.cpp" "#include \"shared.hpp\"\n")
  file(WRITE "${root}/core/src/stats.h" "#pragma once\n")
  check_plugin_includes("${root}" found)
  list(LENGTH found count)
  string(REPLACE ";" "\n  " shown "${found}")
  set(expected "plugins/workloads/a/a.cpp:4 includes '../b/shared.hpp', which is plugins/workloads/b/shared.hpp"
               "plugins/workloads/a/a.cpp:5 includes 'shared.hpp', which is plugins/workloads/b/shared.hpp"
               "plugins/workloads/a/a.cpp:6 includes 'stats.h', which is core/src/stats.h")
  if(NOT found STREQUAL expected)
    message(FATAL_ERROR "include check self-test: expected 3 violations, found ${count}:\n  ${shown}")
  endif()
  message(STATUS "include check self-test: found the 3 planted violations")
  file(REMOVE_RECURSE "${root}")
  return()
endif()

if(NOT DEFINED ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -P check_includes.cmake")
endif()
check_plugin_includes("${ROOT}" found)
if(found)
  list(LENGTH found count)
  string(REPLACE ";" "\n  " shown "${found}")
  message(FATAL_ERROR
    "${count} include(s) reach outside their plugin:\n  ${shown}\n"
    "A plugin includes only abi/ headers, plugins/common/ and its own files: move code two "
    "plugins share to plugins/common/ (library benchlab_plugin_common), and reach the core "
    "through the plugin ABI.")
endif()
message(STATUS "no plugin includes another plugin's or the core's files")
