# What `cmake --install` puts where, by component — the same split the Debian
# packages follow (cmake/packaging.cmake):
#   runtime   the shared library                          libregionkv<soversion>
#   dev       headers, the static library, the .so link,
#             a CMake package and a pkg-config file        libregionkv-dev
#   tools     regionkv-dump, regionkv-repair and their
#             manual pages                                 regionkv-tools
#   python    the Python module (python/CMakeLists.txt)    python3-regionkv
include(CMakePackageConfigHelpers)

install(TARGETS regionkv_shared EXPORT regionkvTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
install(TARGETS regionkv EXPORT regionkvTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY include/regionkv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

# CMake: find_package(regionkv CONFIG), then regionkv::regionkv (static) or
# regionkv::regionkv_shared.
install(EXPORT regionkvTargets NAMESPACE regionkv::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/regionkv COMPONENT dev)
configure_package_config_file(cmake/regionkvConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/regionkvConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/regionkv)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/regionkvConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/regionkvConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/regionkvConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/regionkv COMPONENT dev)

# pkg-config: `pkg-config --cflags --libs regionkv` (the shared library;
# --static adds what the static one needs). The prefix is found from the
# file's own place, so an unpacked package works wherever it lies.
file(RELATIVE_PATH REGIONKV_PC_PREFIX_FROM_PCFILEDIR
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" REGIONKV_PC_PREFIX_FROM_PCFILEDIR
       "${REGIONKV_PC_PREFIX_FROM_PCFILEDIR}")
configure_file(cmake/regionkv.pc.in ${CMAKE_CURRENT_BINARY_DIR}/regionkv.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/regionkv.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
