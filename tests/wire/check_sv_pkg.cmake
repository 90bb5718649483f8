# cmake -DGENERATOR=<tcpoe_gen_sv_pkg> -DGENERATED=<out.sv> -DCOMMITTED=<rtl/tcpoe_wire_pkg.sv>
#       -P check_sv_pkg.cmake
# Fails when the committed package is not what layout.h generates today.
foreach(var GENERATOR GENERATED COMMITTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_sv_pkg.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${GENERATOR} ${GENERATED} RESULT_VARIABLE gen_result)
if(NOT gen_result EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (${gen_result})")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${GENERATED} ${COMMITTED}
                RESULT_VARIABLE differ)
if(NOT differ EQUAL 0)
  message(FATAL_ERROR
    "${COMMITTED} is out of date with wire/include/tcpoe/wire/layout.h.\n"
    "Regenerate it:  ${GENERATOR} ${COMMITTED}\n"
    "Compare:        diff ${GENERATED} ${COMMITTED}")
endif()
