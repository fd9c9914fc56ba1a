# Named by CMAKE_TOOLCHAIN_FILE (see .cargo/config.toml) while cargo builds WAMR.
# WAMR's SIMD support fetches the SIMDe headers with FetchContent from the network;
# point FetchContent at the copy Debian's libsimde-dev installs instead.
set(ADDERNET_SIMDE_DIR "${CMAKE_BINARY_DIR}/simde-local")
if(NOT EXISTS "${ADDERNET_SIMDE_DIR}/simde")
  file(MAKE_DIRECTORY "${ADDERNET_SIMDE_DIR}")
  file(CREATE_LINK "/usr/include/simde" "${ADDERNET_SIMDE_DIR}/simde" SYMBOLIC)
endif()
set(FETCHCONTENT_SOURCE_DIR_SIMDE "${ADDERNET_SIMDE_DIR}" CACHE PATH "local SIMDe headers")
set(FETCHCONTENT_FULLY_DISCONNECTED ON CACHE BOOL "no network during the build")
