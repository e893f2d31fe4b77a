# SPDX-License-Identifier: MIT
# benchlab_add_plugin(): how a benchlab plugin is built, one implementation for the
# plugins of this source tree (benchlab_plugin() in the top CMakeLists.txt) and for
# plugins built out of tree against an installed benchlab (find_package(benchlab CONFIG),
# which installs this file beside benchlabConfig.cmake).
#
# Expects the target benchlab::plugin (the ABI headers, hidden visibility and the version
# script that exports only benchlab_plugin_entry) and the variable BENCHLAB_PLUGIN_MAP
# (that version script's path, so that editing it relinks the plugin).
include_guard(GLOBAL)

# benchlab_add_plugin(NAME [DESTINATION DIR | NO_INSTALL] [OUTPUT_DIR DIR] SOURCES...)
#
# A workload or probe plugin NAME.so, a MODULE without the "lib" prefix that exports only
# its entry symbol, links with every symbol resolved (-Wl,--no-undefined) and installs to
# DESTINATION, default ${BENCHLAB_PLUGIN_INSTALL_DIR}: where the installed benchlab looks
# for plugins. NO_INSTALL builds it only; OUTPUT_DIR puts the built file in DIR.
function(benchlab_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "DESTINATION;OUTPUT_DIR" "")
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "benchlab_add_plugin(${name}): no source files given")
  endif()
  if(NOT TARGET benchlab::plugin)
    message(FATAL_ERROR "benchlab_add_plugin(${name}): the target benchlab::plugin is missing; "
                        "call find_package(benchlab CONFIG REQUIRED) first")
  endif()
  if(arg_NO_INSTALL AND arg_DESTINATION)
    message(FATAL_ERROR "benchlab_add_plugin(${name}): DESTINATION and NO_INSTALL exclude each other")
  endif()
  if(NOT arg_NO_INSTALL AND NOT arg_DESTINATION)
    if(NOT BENCHLAB_PLUGIN_INSTALL_DIR)
      message(FATAL_ERROR "benchlab_add_plugin(${name}): no DESTINATION and "
                          "BENCHLAB_PLUGIN_INSTALL_DIR is not set")
    endif()
    set(arg_DESTINATION "${BENCHLAB_PLUGIN_INSTALL_DIR}")
  endif()

  add_library(${name} MODULE ${arg_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE benchlab::plugin)
  # A plugin is found by its file name, NAME.so, and exports one symbol: nothing of the
  # C++ standard library's inline functions or templates may leak into the dynamic table.
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # A symbol left undefined would only fail when the worker loads the plugin; fail the link.
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  if(BENCHLAB_PLUGIN_MAP)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${BENCHLAB_PLUGIN_MAP}")
  endif()
  if(arg_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${arg_OUTPUT_DIR}")
  endif()
  if(NOT arg_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION "${arg_DESTINATION}")
  endif()
endfunction()
