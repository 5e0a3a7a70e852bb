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

# regionkv_layer(<target> <folder> SOURCES <file>... [BELOW <target>...]
#                [LIBS <library>...])
function(regionkv_layer target folder)
  cmake_parse_arguments(ARG "" "" "SOURCES;BELOW;LIBS" ${ARGN})
  set(view ${PROJECT_BINARY_DIR}/layers/${target})
  get_filename_component(parent ${view}/${folder} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${view}/${folder} SYMBOLIC)
  add_library(${target} OBJECT ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${view}>)
  target_link_libraries(${target} PUBLIC ${ARG_BELOW} ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  set_property(GLOBAL APPEND PROPERTY REGIONKV_LAYERS ${target})
endfunction()
