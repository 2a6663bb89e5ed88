# Debian packages (CPack DEB, one package per install component or group):
#   jiffyd                   the host, the built-in plugins (standalone KVS, sqlite, models, hello),
#                            /etc/jiffy/, the systemd unit, the jiffy system user
#   jiffy-plugin-<kind>-<n>  every other plugin, one package each, found from the install
#                            components cmake/JiffyPlugin.cmake gives them, so a new plugin
#                            is packaged without touching this file
#   jiffy-sluggo             the sluggo-compatible KVS server and its unit
#   jiffy-sdk-dev            headers, the CMake package JiffySDK and jiffy-sdk.pc
# `make packages` (cpack in the build tree) writes them to <build>/packages/.
# Runtime dependencies come from dpkg-shlibdeps; only inter-package ones are written here.
# Included last by the top-level CMakeLists.txt, after every install() rule exists.

set(JIFFY_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(JIFFY_PKG_GEN ${CMAKE_BINARY_DIR}/packaging)
set(JIFFY_DEB_RELEASE 1)
set(JIFFY_DEB_VERSION ${PROJECT_VERSION}-${JIFFY_DEB_RELEASE})
# Plugins shipped inside the jiffyd package: what the all-in-one deployment needs.
set(JIFFY_CORE_PLUGINS plugin-kvs-standalone plugin-db-sqlite plugin-routes-models plugin-routes-hello)

# --- files of the jiffyd package ------------------------------------------------
install(FILES ${JIFFY_PKG_DIR}/jiffy.config.json DESTINATION /etc/jiffy COMPONENT jiffyd)
install(FILES ${PROJECT_SOURCE_DIR}/config/models/library.json DESTINATION /etc/jiffy/models COMPONENT jiffyd)
install(FILES ${JIFFY_PKG_DIR}/jiffyd/jiffyd.service DESTINATION /lib/systemd/system COMPONENT jiffyd)
install(FILES ${JIFFY_PKG_DIR}/jiffy-sluggo/jiffy-sluggo.service DESTINATION /lib/systemd/system
  COMPONENT sluggo-server)

# --- every package: copyright and a compressed changelog (Debian policy 12.5, 12.7) -
find_program(JIFFY_GZIP gzip REQUIRED)
file(MAKE_DIRECTORY ${JIFFY_PKG_GEN})
foreach(f changelog man/jiffyd.1 man/jiffy-sluggo.1)
  get_filename_component(name ${f} NAME)
  execute_process(COMMAND ${JIFFY_GZIP} -9nc ${JIFFY_PKG_DIR}/${f}
    OUTPUT_FILE ${JIFFY_PKG_GEN}/${name}.gz COMMAND_ERROR_IS_FATAL ANY)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${JIFFY_PKG_DIR}/changelog ${JIFFY_PKG_DIR}/man/jiffyd.1 ${JIFFY_PKG_DIR}/man/jiffy-sluggo.1)
install(FILES ${JIFFY_PKG_GEN}/jiffyd.1.gz DESTINATION share/man/man1 COMPONENT jiffyd)
install(FILES ${JIFFY_PKG_GEN}/jiffy-sluggo.1.gz DESTINATION share/man/man1 COMPONENT sluggo-server)
function(jiffy_package_docs component package)
  install(FILES ${JIFFY_PKG_DIR}/copyright DESTINATION share/doc/${package} COMPONENT ${component})
  install(FILES ${JIFFY_PKG_GEN}/changelog.gz DESTINATION share/doc/${package}
    RENAME changelog.Debian.gz COMPONENT ${component})
endfunction()

# --- which packages exist --------------------------------------------------------
get_cmake_property(_all_components COMPONENTS)
set(CPACK_COMPONENTS_ALL "")
foreach(comp IN LISTS _all_components)
  string(TOUPPER ${comp} COMP)
  if(comp STREQUAL "jiffyd" OR comp IN_LIST JIFFY_CORE_PLUGINS)
    set(CPACK_COMPONENT_${COMP}_GROUP jiffyd)
  elseif(comp MATCHES "^plugin-([a-z]+)-(.+)$")
    set(pkg jiffy-${comp})
    set(CPACK_DEBIAN_${COMP}_PACKAGE_NAME ${pkg})
    set(CPACK_DEBIAN_${COMP}_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_${COMP}_PACKAGE_SECTION net)
    set(CPACK_DEBIAN_${COMP}_PACKAGE_DEPENDS "jiffyd (= ${JIFFY_DEB_VERSION})")
    string(CONCAT CPACK_COMPONENT_${COMP}_DESCRIPTION
      "${CMAKE_MATCH_1} plugin ${CMAKE_MATCH_2} for jiffyd\n"
      "The ${CMAKE_MATCH_1} plugin ${CMAKE_MATCH_2} of Jiffy C++, loaded by jiffyd from\n"
      "/usr/lib/jiffy/plugins when the configuration names it. Packaged on its\n"
      "own so that a machine that does not use it needs none of its libraries.")
    set(CPACK_DEBIAN_${COMP}_PACKAGE_CONTROL_EXTRA ${JIFFY_PKG_DIR}/plugin/postinst)
    jiffy_package_docs(${comp} ${pkg})
  elseif(comp STREQUAL "sluggo-server" OR comp STREQUAL "sdk")
    # named below
  else()
    # Anything else (a third-party install rule, "Unspecified") is not shipped.
    continue()
  endif()
  list(APPEND CPACK_COMPONENTS_ALL ${comp})
endforeach()

string(CONCAT CPACK_DEBIAN_JIFFYD_DESCRIPTION
  "jiffy-compatible REST service host with plugins\n"
  "jiffyd serves the REST API of jiffy model files (users, groups, JWT login,\n"
  "authorization, CRUD and filtered lists) through plugins chosen by its\n"
  "configuration. This package holds the daemon, its systemd unit, the\n"
  "standalone key/value store, the SQLite database plugin and the models and\n"
  "hello route plugins. Other backends come in jiffy-plugin-* packages.")
set(CPACK_DEBIAN_JIFFYD_PACKAGE_NAME jiffyd)
set(CPACK_DEBIAN_JIFFYD_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_JIFFYD_PACKAGE_SECTION net)
set(CPACK_DEBIAN_JIFFYD_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_JIFFYD_PACKAGE_CONTROL_EXTRA
  ${JIFFY_PKG_DIR}/jiffyd/conffiles ${JIFFY_PKG_DIR}/jiffyd/postinst
  ${JIFFY_PKG_DIR}/jiffyd/prerm ${JIFFY_PKG_DIR}/jiffyd/postrm)
jiffy_package_docs(jiffyd jiffyd)

string(CONCAT CPACK_COMPONENT_SLUGGO-SERVER_DESCRIPTION
  "sluggo-compatible key/value server for jiffy clusters\n"
  "jiffy-sluggo speaks the protocol of github.com/1414C/sluggo (WebSocket and\n"
  "gob), so Go jiffy services and jiffyd can share it, and adds atomic TTL,\n"
  "add, compare-and-set and counters for jiffyd's sluggo plugin. Bounded\n"
  "memory, optional snapshot file, a systemd unit.")
set(CPACK_DEBIAN_SLUGGO-SERVER_PACKAGE_NAME jiffy-sluggo)
set(CPACK_DEBIAN_SLUGGO-SERVER_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_SLUGGO-SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SLUGGO-SERVER_PACKAGE_CONTROL_EXTRA
  ${JIFFY_PKG_DIR}/jiffy-sluggo/postinst ${JIFFY_PKG_DIR}/jiffy-sluggo/prerm ${JIFFY_PKG_DIR}/jiffy-sluggo/postrm)
jiffy_package_docs(sluggo-server jiffy-sluggo)

string(CONCAT CPACK_COMPONENT_SDK_DESCRIPTION
  "SDK to build jiffyd plugins out of tree\n"
  "The plugin ABI header (jiffy/abi.h), header-only C++ wrappers, the CMake\n"
  "package JiffySDK (find_package(JiffySDK 1.0), jiffy_sdk_add_plugin()) and\n"
  "the pkg-config file jiffy-sdk.pc. Headers only.")
set(CPACK_DEBIAN_SDK_PACKAGE_NAME jiffy-sdk-dev)
set(CPACK_DEBIAN_SDK_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
jiffy_package_docs(sdk jiffy-sdk-dev)

# --- common settings ---------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME jiffy)
set(CPACK_PACKAGE_VENDOR "Jiffy C++")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description starts with its own synopsis line. CPackDeb would
# prepend the project's summary to it unless the summary is CPack's default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT "Jiffy C++ maintainers <jiffy-cpp@example.org>")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${JIFFY_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/1414C/jiffy")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Plugins are private shared objects under /usr/lib/jiffy/plugins, not libraries
# other packages link: no shlibs file, no ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
include(CPack)
