# SPDX-License-Identifier: MIT
# cmake -DNM=nm -DLIBRARY=libbenchlab.so -DHEADER=benchlab.h -P check_exports.cmake
# The library's defined dynamic symbols must be exactly the functions benchlab.h declares
# with BENCHLAB_API: one more is an accidental ABI (a std:: or boost:: instantiation that
# a program could come to depend on), one less is a declared function nobody can call.
foreach(var NM LIBRARY HEADER)
  if(NOT ${var})
    message(FATAL_ERROR "check_exports.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${HEADER}" header)
string(REGEX MATCHALL "BENCHLAB_API[^;(]*[ *]benchlab_[a-z0-9_]+[ ]*\\(" decls "${header}")
set(declared "")
foreach(d IN LISTS decls)
  string(REGEX MATCH "benchlab_[a-z0-9_]+[ ]*\\($" name "${d}")
  string(REGEX REPLACE "[ ]*\\($" "" name "${name}")
  list(APPEND declared "${name}")
endforeach()
list(REMOVE_DUPLICATES declared)
list(SORT declared)
list(LENGTH declared n_declared)
if(n_declared LESS 10)
  message(FATAL_ERROR "found only ${n_declared} BENCHLAB_API declarations in ${HEADER}: "
    "the parser no longer matches the header")
endif()

execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
  OUTPUT_VARIABLE nm_out ERROR_VARIABLE nm_err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed: ${nm_err}")
endif()
string(REPLACE "\n" ";" lines "${nm_out}")
set(exported "")
foreach(line IN LISTS lines)
  # "0000000000012340 T benchlab_open"; absolute (A) symbols are version-node names.
  if(line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) (.+)$")
    if(NOT CMAKE_MATCH_1 STREQUAL "A")
      string(REGEX REPLACE "@.*$" "" name "${CMAKE_MATCH_2}")
      list(APPEND exported "${name}")
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES exported)
list(SORT exported)

set(extra ${exported})
list(REMOVE_ITEM extra ${declared})
set(missing ${declared})
if(exported)
  list(REMOVE_ITEM missing ${exported})
endif()
list(LENGTH exported n_exported)
if(extra OR missing)
  string(REPLACE ";" "\n  " extra_text "${extra}")
  string(REPLACE ";" "\n  " missing_text "${missing}")
  message(FATAL_ERROR "${LIBRARY} exports ${n_exported} symbols; benchlab.h declares "
    "${n_declared} functions.\nExported but not declared (hide them, see core/benchlab.map):\n  "
    "${extra_text}\nDeclared but not exported (add them to core/benchlab.map):\n  "
    "${missing_text}")
endif()
message(STATUS "${LIBRARY}: exactly the ${n_declared} functions of benchlab.h are exported")
