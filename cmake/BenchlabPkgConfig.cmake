# SPDX-License-Identifier: MIT
# Writes benchlab.pc and benchlab-plugin.pc at install time, run by install(CODE) from the
# top CMakeLists.txt. At install time CMAKE_INSTALL_PREFIX is the prefix really installed
# to (`cmake --install --prefix DIR` included), so the files name that prefix; DESTDIR
# (staged installs, packages) is added by file(INSTALL) and kept out of the files.
#
# Set by the caller: BENCHLAB_PC_TEMPLATES (directory of the .pc.in files), BENCHLAB_PC_WORK
# (a build directory to write them in), PROJECT_VERSION, and the install directories
# BENCHLAB_PC_LIBDIR, BENCHLAB_PC_INCLUDEDIR, BENCHLAB_PC_DATADIR, BENCHLAB_PC_PLUGINDIR,
# BENCHLAB_PC_PLUGINMAP, each relative to the prefix or absolute.

# pkg-config splits its values at spaces, so a prefix with one would make broken flags.
if(CMAKE_INSTALL_PREFIX MATCHES "[ \t]")
  message(WARNING "benchlab: the install prefix '${CMAKE_INSTALL_PREFIX}' contains a space; "
                  "the pkg-config files will not work there")
endif()

set(BENCHLAB_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(_pc_dir "${BENCHLAB_PC_LIBDIR}/pkgconfig")
if(NOT IS_ABSOLUTE "${_pc_dir}")
  set(_pc_dir "${CMAKE_INSTALL_PREFIX}/${_pc_dir}")
endif()
# Relative directories become ${prefix}/DIR in the file, absolute ones stay.
foreach(var LIBDIR INCLUDEDIR DATADIR PLUGINDIR PLUGINMAP)
  if(NOT IS_ABSOLUTE "${BENCHLAB_PC_${var}}")
    set(BENCHLAB_PC_${var} "\${prefix}/${BENCHLAB_PC_${var}}")
  endif()
endforeach()

foreach(name benchlab benchlab-plugin)
  configure_file("${BENCHLAB_PC_TEMPLATES}/${name}.pc.in" "${BENCHLAB_PC_WORK}/${name}.pc" @ONLY)
endforeach()
file(INSTALL "${BENCHLAB_PC_WORK}/benchlab.pc" "${BENCHLAB_PC_WORK}/benchlab-plugin.pc"
     DESTINATION "${_pc_dir}" TYPE FILE)
