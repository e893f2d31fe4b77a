# SPDX-License-Identifier: MIT
# Installs the SDK for plugins and programs built against an installed benchlab: a CMake
# package (find_package(benchlab 1 CONFIG): benchlab::benchlab, benchlab::plugin,
# benchlab_add_plugin) and pkg-config files (benchlab, benchlab-plugin). The package is
# relocatable (paths from its own location); the .pc files name the prefix installed to
# (cmake/BenchlabPkgConfig.cmake, run at install time). Included by the top
# CMakeLists.txt once the exported targets (benchlab, benchlab_plugin_abi) exist.
include(CMakePackageConfigHelpers)
set(BENCHLAB_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/benchlab")
install(TARGETS benchlab_plugin_abi EXPORT benchlabTargets)
install(EXPORT benchlabTargets NAMESPACE benchlab:: DESTINATION "${BENCHLAB_CMAKE_DIR}")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/benchlabConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/sdk/benchlabConfig.cmake"
  INSTALL_DESTINATION "${BENCHLAB_CMAKE_DIR}"
  PATH_VARS BENCHLAB_PLUGIN_SUBDIR BENCHLAB_PLUGIN_MAP_DESTINATION)
# A plugin or program built for 1.x works with every 1.y (the SONAME and the plugin ABI
# change their major together).
write_basic_package_version_file("${PROJECT_BINARY_DIR}/sdk/benchlabConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/sdk/benchlabConfig.cmake"
              "${PROJECT_BINARY_DIR}/sdk/benchlabConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/BenchlabPlugin.cmake"
        DESTINATION "${BENCHLAB_CMAKE_DIR}")
install(FILES "${BENCHLAB_PLUGIN_MAP}" DESTINATION "${CMAKE_INSTALL_DATADIR}/benchlab")
install(CODE "
  set(BENCHLAB_PC_TEMPLATES \"${PROJECT_SOURCE_DIR}/cmake\")
  set(BENCHLAB_PC_WORK \"${PROJECT_BINARY_DIR}/sdk\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")
  set(BENCHLAB_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(BENCHLAB_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(BENCHLAB_PC_DATADIR \"${CMAKE_INSTALL_DATADIR}\")
  set(BENCHLAB_PC_PLUGINDIR \"${BENCHLAB_PLUGIN_SUBDIR}\")
  set(BENCHLAB_PC_PLUGINMAP \"${BENCHLAB_PLUGIN_MAP_DESTINATION}\")
  include(\"${PROJECT_SOURCE_DIR}/cmake/BenchlabPkgConfig.cmake\")
")
