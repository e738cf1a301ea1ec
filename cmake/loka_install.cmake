# Install rules: headers, libloka + libloka_c, the CMake package (find_package(loka): loka::loka_c, loka::loka) and loka.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Installed libraries find each other (libloka_c -> libloka.so.0, a plugin beside libloka) in their folder.
set_target_properties(loka loka_c PROPERTIES INSTALL_RPATH "$ORIGIN")

install(TARGETS loka loka_c EXPORT lokaTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET loka_cuda)
  set_target_properties(loka_cuda PROPERTIES INSTALL_RPATH "$ORIGIN")
  install(TARGETS loka_cuda LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
# The CLI finds the demo model in ../share/loka/models beside its bin folder.
set_target_properties(loka_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
install(TARGETS loka_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/models/austen-6m
        DESTINATION ${CMAKE_INSTALL_DATADIR}/loka/models)
install(FILES ${PROJECT_SOURCE_DIR}/capi/loka.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/loka/loka.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/loka)

set(LOKA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/loka)
install(EXPORT lokaTargets NAMESPACE loka:: DESTINATION ${LOKA_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/lokaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/lokaConfig.cmake INSTALL_DESTINATION ${LOKA_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lokaConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lokaConfig.cmake ${PROJECT_BINARY_DIR}/lokaConfigVersion.cmake
        DESTINATION ${LOKA_CMAKE_DIR})

# Relocatable: the prefix is found from where loka.pc lies (cmake --install --prefix works).
file(RELATIVE_PATH LOKA_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" LOKA_PC_TO_PREFIX "${LOKA_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/loka.pc.in ${PROJECT_BINARY_DIR}/loka.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/loka.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
