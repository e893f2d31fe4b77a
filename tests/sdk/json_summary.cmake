# SPDX-License-Identifier: MIT
# cmake -DJSON=FILE -DOUT=FILE -P json_summary.cmake
#
# Flattens a one-run document of `benchlab results RUN --json` (docs/json-format.md) into
# KEY=VALUE lines that a shell script can grep, without a JSON tool beyond CMake:
#   result.I.test, result.I.status, result.I.reason, result.I.plugin_file
#   result.I.metric.NAME          the metric's first value, as JSON wrote it ("7.8498E4")
#   probe.ID.status, probe.ID.path, probe.ID.reason
#   inventory.memory_bytes
# A null value is written as an empty one.
cmake_minimum_required(VERSION 3.19)
file(READ "${JSON}" doc)
set(lines "")

function(get_value out)  # get_value(OUT path...): the value at the path, "" for null
  string(JSON type ERROR_VARIABLE err TYPE "${doc}" ${ARGN})
  if(err OR type STREQUAL "NULL")
    set(${out} "" PARENT_SCOPE)
  else()
    string(JSON value GET "${doc}" ${ARGN})
    set(${out} "${value}" PARENT_SCOPE)
  endif()
endfunction()

get_value(memory inventory memory_bytes)
string(APPEND lines "inventory.memory_bytes=${memory}\n")

string(JSON result_count LENGTH "${doc}" results)
if(result_count GREATER 0)
  math(EXPR last "${result_count} - 1")
  foreach(i RANGE ${last})
    foreach(field test status reason plugin_file)
      get_value(value results ${i} ${field})
      string(APPEND lines "result.${i}.${field}=${value}\n")
    endforeach()
    string(JSON metric_count LENGTH "${doc}" results ${i} metrics)
    if(metric_count GREATER 0)
      math(EXPR last_metric "${metric_count} - 1")
      foreach(m RANGE ${last_metric})
        get_value(name results ${i} metrics ${m} name)
        string(JSON value_count LENGTH "${doc}" results ${i} metrics ${m} values)
        set(value "")
        if(value_count GREATER 0)
          get_value(value results ${i} metrics ${m} values 0)
        endif()
        string(APPEND lines "result.${i}.metric.${name}=${value}\n")
      endforeach()
    endif()
  endforeach()
endif()

string(JSON probe_count ERROR_VARIABLE no_probes LENGTH "${doc}" probes)
if(NOT no_probes AND probe_count GREATER 0)
  math(EXPR last_probe "${probe_count} - 1")
  foreach(p RANGE ${last_probe})
    get_value(id probes ${p} id)
    foreach(field status path reason)
      get_value(value probes ${p} ${field})
      string(APPEND lines "probe.${id}.${field}=${value}\n")
    endforeach()
  endforeach()
endif()

file(WRITE "${OUT}" "${lines}")
