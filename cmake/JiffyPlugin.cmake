# jiffy_add_plugin(KIND <kvs|db|routes> NAME <name> SOURCES ... [LIBS ...] [COMPONENT <cpack component>])
#
# One plugin = one folder = one shared object named libjiffy-<kind>-<name>.so,
# built into build/plugins/ and installed to lib/jiffy/plugins/. Only the entry
# symbol is exported; undefined symbols are link errors, so a plugin can never
# depend on a symbol of the host.
function(jiffy_add_plugin)
  cmake_parse_arguments(P "" "KIND;NAME;COMPONENT" "SOURCES;LIBS" ${ARGN})
  set(target jiffy-${P_KIND}-${P_NAME})
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE jiffy::sdk ${P_LIBS})
  jiffy_target_warnings(${target})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${JIFFY_PLUGIN_OUTPUT_DIR})
  # Hidden visibility still leaves some template instantiations of the
  # standard library exported (some as unique symbols that pin the library in
  # memory); a version script exports the entry symbol and nothing else.
  set(map ${CMAKE_CURRENT_BINARY_DIR}/${target}.map)
  file(WRITE ${map} "{ global: jiffy_plugin_query; local: *; };\n")
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,--version-script=${map})
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${map})
  if(NOT P_COMPONENT)
    set(P_COMPONENT plugin-${P_KIND}-${P_NAME})
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${JIFFY_PLUGIN_INSTALL_DIR} COMPONENT ${P_COMPONENT})
  set(JIFFY_ALL_PLUGINS ${JIFFY_ALL_PLUGINS} ${target} CACHE INTERNAL "")
endfunction()
