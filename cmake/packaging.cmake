# Debian packages, one per install component (cmake/install.cmake):
#   cpack -G DEB --config <build>/CPackConfig.cmake
# gives libregionkv<soversion>, libregionkv-dev, regionkv-tools and, when the
# Python module is built, python3-regionkv. tests/install checks them with
# dpkg -x and lintian, and builds a consumer against them.
set(REGIONKV_DEB_VERSION ${PROJECT_VERSION}-1)
set(REGIONKV_DEB_MAINTAINER "regionkv developers <regionkv@lists.regionkv.org>")
set(REGIONKV_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})

set(REGIONKV_DEB_COMPONENTS runtime dev tools)
set(REGIONKV_DEB_NAME_runtime libregionkv${REGIONKV_SOVERSION})
set(REGIONKV_DEB_NAME_dev libregionkv-dev)
set(REGIONKV_DEB_NAME_tools regionkv-tools)
set(REGIONKV_DEB_NAME_python python3-regionkv)
if(REGIONKV_BUILD_PYTHON)
  list(APPEND REGIONKV_DEB_COMPONENTS python)
endif()

# Every package carries the copyright file and a compressed changelog.
# (Descriptions below: CPack indents their continuation lines itself.)
foreach(component ${REGIONKV_DEB_COMPONENTS})
  set(PACKAGE ${REGIONKV_DEB_NAME_${component}})
  set(VERSION ${REGIONKV_DEB_VERSION})
  set(MAINTAINER ${REGIONKV_DEB_MAINTAINER})
  set(docs ${CMAKE_CURRENT_BINARY_DIR}/debian/${PACKAGE})
  configure_file(cmake/debian/changelog.in ${docs}/changelog.Debian @ONLY)
  execute_process(COMMAND gzip -9nf ${docs}/changelog.Debian)
  install(FILES cmake/debian/copyright ${docs}/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${PACKAGE} COMPONENT ${component})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME regionkv)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${REGIONKV_DEB_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL ${REGIONKV_DEB_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://github.com/regionkv/regionkv)
# Dependencies of binaries from dpkg-shlibdeps; a shlibs file for the library.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")

# What every library package's description says first.
set(REGIONKV_DEB_ABOUT
"regionkv keeps named regions of keys in RocksDB column families, in
memory, or on memcached or Redis servers. Locks on keys carry fencing
tokens and outlive a crash only as long as their lease; values can
expire, and a background sweeper removes them.")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${REGIONKV_DEB_NAME_runtime})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# CPack copies control files with the mode they have, and a source tree
# exported by `git archive` under umask 002 has 0664 files, which lintian
# rejects (control-file-has-bad-permissions): the build tree's copy has the
# mode Debian's policy asks for, whatever the source's.
configure_file(cmake/debian/triggers ${CMAKE_CURRENT_BINARY_DIR}/debian/control/triggers COPYONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/debian/control/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"embedded key-value store with leased locks - shared library
${REGIONKV_DEB_ABOUT}
.
This package contains the shared library.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ${REGIONKV_DEB_NAME_dev})
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "${REGIONKV_DEB_NAME_runtime} (= ${REGIONKV_DEB_VERSION}), librocksdb-dev, libmemcached-dev, libhiredis-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION
"embedded key-value store with leased locks - development files
${REGIONKV_DEB_ABOUT}
.
This package contains the C++ headers, the static library, a CMake
package (find_package(regionkv)) and a pkg-config file.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME ${REGIONKV_DEB_NAME_tools})
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION
"inspect and repair regionkv stores
regionkv-dump shows what a regionkv store holds, its values and its
lock records, as a table or as JSON, also while the process that owns
the store keeps running. It never writes into the store, and reports
any damage RocksDB finds.
.
regionkv-repair repairs a damaged store in place with RocksDB's repair,
after copying the whole store directory aside.")

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME ${REGIONKV_DEB_NAME_python})
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
if(REGIONKV_BUILD_PYTHON)
  # The extension module is built for one python3 version.
  string(REPLACE "." ";" python_version "${REGIONKV_PYTHON_VERSION}")
  list(GET python_version 0 python_major)
  list(GET python_version 1 python_minor)
  math(EXPR python_next_minor "${python_minor} + 1")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
      "python3 (>= ${REGIONKV_PYTHON_VERSION}~), python3 (<< ${python_major}.${python_next_minor})")
endif()
set(CPACK_DEBIAN_PYTHON_PACKAGE_SUGGESTS python3-dogpile.cache)
set(CPACK_DEBIAN_PYTHON_DESCRIPTION
"embedded key-value store with leased locks - Python 3 module
${REGIONKV_DEB_ABOUT}
.
This package contains the Python 3 module regionkv and regionkv.dogpile,
a dogpile.cache backend.")

include(CPack)
