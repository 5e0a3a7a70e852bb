# The library's layers, each one OBJECT library, and how the build keeps
# calls flowing down (docs/architecture.md):
#
#   region/            Region, Store, registries, inspection      regionkv_region
#   region/backends/   the Backend interface's base, the stores   regionkv_backends
#   lock/              the lock rule, leases, fencing, waiting     regionkv_lock
#   engine/            RocksDB only                                regionkv_engine
#   common/            helpers every layer may use                 regionkv_common
#
# Sources spell internal includes from the repository root
# ("engine/record.h"), but no target sees the root. Each layer sees a
# directory of its own holding one link to its folder, plus the directories
# of the layers below it (they come with the targets it links): an include of
# a higher layer names a file that is not there, and does not compile.
# tests/layering checks that it does not.

#
# The public headers are the top layer's. Each lower layer sees, the same
# way, only the public headers named by PUBLIC_HEADERS, its own and those of
# the layers below: common the vocabulary (errors, clocks, the key mangler,
# printable bytes, store options), engine what its sweeper reports, lock the
# interface its algorithm implements, backends the storage interface and
# the stores. regionkv_region sees include/ whole.

# regionkv_layer(<target> <folder> SOURCES <file>... [BELOW <target>...]
#                [LIBS <library>...] [PUBLIC_HEADERS <header>...])
function(regionkv_layer target folder)
  cmake_parse_arguments(ARG "" "" "SOURCES;BELOW;LIBS;PUBLIC_HEADERS" ${ARGN})
  set(view ${PROJECT_BINARY_DIR}/layers/${target})
  get_filename_component(parent ${view}/${folder} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${view}/${folder} SYMBOLIC)
  add_library(${target} OBJECT ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${view}>)
  if(ARG_PUBLIC_HEADERS)
    set(public_view ${PROJECT_BINARY_DIR}/layers/${target}.public)
    file(REMOVE_RECURSE ${public_view})
    file(MAKE_DIRECTORY ${public_view}/regionkv)
    foreach(header ${ARG_PUBLIC_HEADERS})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/regionkv/${header}
           ${public_view}/regionkv/${header} SYMBOLIC)
    endforeach()
    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${public_view}>)
  endif()
  target_link_libraries(${target} PUBLIC ${ARG_BELOW} ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  set_property(GLOBAL APPEND PROPERTY REGIONKV_LAYERS ${target})
endfunction()
