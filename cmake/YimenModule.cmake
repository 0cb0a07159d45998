# yimen_add_test(NAME <name> SOURCES <files...> LIBS <targets...> [LABELS <labels...>])
#
# The one helper that registers a GoogleTest executable with CTest. Every test
# runs with the source tree's root as YIMEN_SOURCE_DIR and a private temporary
# directory (TMPDIR) under the build tree, so tests never touch the user's files.
function(yimen_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_compile_definitions(${T_NAME} PRIVATE
    YIMEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    YIMEN_BINARY="$<TARGET_FILE:yimen>")
  add_dependencies(${T_NAME} yimen)
  set(tmp ${CMAKE_BINARY_DIR}/test-tmp/${T_NAME})
  file(MAKE_DIRECTORY ${tmp})
  gtest_discover_tests(${T_NAME}
    PROPERTIES ENVIRONMENT "TMPDIR=${tmp}" LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
