# cmake -DGENERATOR=<tcpoe_gen_sv_pkg> [-DMODE=--device|--device-doc] -DGENERATED=<out>
#       -DCOMMITTED=<the committed file> -P check_sv_pkg.cmake
# Fails when a committed generated file (rtl/tcpoe_wire_pkg.sv from layout.h,
# rtl/tcpoe_regs_pkg.sv and docs/register-map.md from device_regs.h) is not
# what the generator makes of the headers today.
foreach(var GENERATOR GENERATED COMMITTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_sv_pkg.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${GENERATOR} ${MODE} ${GENERATED} RESULT_VARIABLE gen_result)
if(NOT gen_result EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (${gen_result})")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${GENERATED} ${COMMITTED}
                RESULT_VARIABLE differ)
if(NOT differ EQUAL 0)
  message(FATAL_ERROR
    "${COMMITTED} is out of date with the headers in wire/include/tcpoe/wire/.\n"
    "Regenerate it:  ${GENERATOR} ${MODE} ${COMMITTED}\n"
    "Compare:        diff ${GENERATED} ${COMMITTED}")
endif()
