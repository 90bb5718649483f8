// Linked with tcpoe::wire only (tests/layering/CMakeLists.txt): every header
// of the wire layer is usable, and no definition of the HLS layer above it
// reaches this program.
#include <cstdio>

#include "tcpoe/wire/bytes.h"
#include "tcpoe/wire/checksum.h"
#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/ethernet.h"
#include "tcpoe/wire/frame.h"
#include "tcpoe/wire/ipv4.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/parse_result.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tcp.h"
#include "tcpoe/wire/tx_descriptor.h"

int main() {
#ifdef TCPOE_HLS_STANDIN
  std::puts("FAIL: TCPOE_HLS_STANDIN is defined for a target that links only tcpoe::wire");
  return 1;
#else
  std::puts("ok: a target linking only tcpoe::wire sees no HLS-layer definition");
  return 0;
#endif
}
