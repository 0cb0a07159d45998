# Installs the browser tests' node_modules with `npm ci` when they are
# missing or older than package-lock.json. Run as
#   cmake -DDIR=<tests/browser> -DNPM=<npm> -P npm-ci.cmake
set(stamp ${DIR}/node_modules/.package-lock.json)
if(EXISTS ${stamp} AND NOT ${DIR}/package-lock.json IS_NEWER_THAN ${stamp})
  return()
endif()
message(STATUS "npm ci in ${DIR}")
execute_process(COMMAND ${NPM} ci --no-audit --no-fund
                WORKING_DIRECTORY ${DIR}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed in ${DIR} (exit ${rc})")
endif()
