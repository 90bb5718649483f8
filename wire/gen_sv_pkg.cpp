// Prints rtl/tcpoe_wire_pkg.sv: layout.h's constants as a SystemVerilog
// package, so the RTL parser and builder use the very numbers the C++ views
// and HLS kernels use. The test wire.sv_pkg_up_to_date fails when the
// committed package and this program's output differ.
//
// usage: tcpoe_gen_sv_pkg [OUTPUT]   (stdout without OUTPUT)
//
// To extend: add a row to the tables in build_sections() (a Field expands to
// _OFF/_LEN, a BitField to _WORD_OFF/_SHIFT/_WIDTH, a control bit to _BIT) or,
// for a new Malformed code, to to_string() in layout.h; then regenerate the package.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace {

using namespace tcpoe::wire;

enum class Radix { kDecimal, kHex };

struct Constant {
  std::string name;
  uint32_t value;
  Radix radix = Radix::kDecimal;
};

using Rows = std::vector<Constant>;

struct Section {
  std::string title;
  Rows rows;
  Section(std::string t, std::initializer_list<Rows> groups) : title(std::move(t)) {
    for (const Rows& g : groups) rows.insert(rows.end(), g.begin(), g.end());
  }
};

Rows field(const std::string& name, Field f) {
  return {{name + "_OFF", f.offset}, {name + "_LEN", f.size}};
}

Rows bits(const std::string& name, BitField b) {
  return {{name + "_WORD_OFF", b.offset}, {name + "_SHIFT", b.shift}, {name + "_WIDTH", b.width}};
}

Rows value(const std::string& name, uint32_t v) { return {{name, v}}; }

Rows hex(const std::string& name, uint32_t v) { return {{name, v, Radix::kHex}}; }

// A control bit's position in the flags octet (TCP_FLAGS_SHIFT up the word).
Rows flag_bit(const std::string& name, uint8_t mask) {
  uint32_t position = 0;
  while (position < 8 && mask != (1u << position)) ++position;
  if (position == 8) {
    std::cerr << "gen_sv_pkg: " << name << " is not a single bit\n";
    std::exit(1);
  }
  return {{name + "_BIT", position}};
}

std::vector<Section> build_sections() {
  namespace fl = tcp::flag;
  namespace op = tcp::opt;
  return {
      Section("Ethernet II header (octet offsets from the frame start)",
              {field("ETH_DST", eth::kDst), field("ETH_SRC", eth::kSrc),
               field("ETH_ETHERTYPE", eth::kEtherType), value("ETH_HEADER_LEN", eth::kHeaderLen),
               value("ETH_MIN_FRAME_LEN", eth::kMinFrameLen),
               hex("ETH_ETHERTYPE_IPV4", eth::kEtherTypeIpv4)}),
      Section("IPv4 header (octet offsets from the IPv4 header start)",
              {bits("IPV4_VERSION", ipv4::kVersion), bits("IPV4_IHL", ipv4::kIhl),
               bits("IPV4_DSCP", ipv4::kDscp), bits("IPV4_ECN", ipv4::kEcn),
               field("IPV4_TOTAL_LEN", ipv4::kTotalLen), field("IPV4_IDENT", ipv4::kIdent),
               bits("IPV4_RESERVED_FLAG", ipv4::kReservedFlag),
               bits("IPV4_DONT_FRAG", ipv4::kDontFrag), bits("IPV4_MORE_FRAGS", ipv4::kMoreFrags),
               bits("IPV4_FRAG_OFFSET", ipv4::kFragOffset), field("IPV4_TTL", ipv4::kTtl),
               field("IPV4_PROTOCOL", ipv4::kProtocol), field("IPV4_CHECKSUM", ipv4::kChecksum),
               field("IPV4_SRC_ADDR", ipv4::kSrcAddr), field("IPV4_DST_ADDR", ipv4::kDstAddr),
               value("IPV4_HEADER_LEN", ipv4::kHeaderLen),
               value("IPV4_VERSION_4", ipv4::kVersion4),
               value("IPV4_PROTOCOL_TCP", ipv4::kProtocolTcp)}),
      Section("TCP header (octet offsets from the TCP header start)",
              {field("TCP_SRC_PORT", tcp::kSrcPort), field("TCP_DST_PORT", tcp::kDstPort),
               field("TCP_SEQ_NUM", tcp::kSeqNum), field("TCP_ACK_NUM", tcp::kAckNum),
               bits("TCP_DATA_OFFSET", tcp::kDataOffset), bits("TCP_RESERVED", tcp::kReserved),
               bits("TCP_FLAGS", tcp::kFlags), field("TCP_WINDOW", tcp::kWindow),
               field("TCP_CHECKSUM", tcp::kChecksum), field("TCP_URGENT_PTR", tcp::kUrgentPtr),
               value("TCP_HEADER_LEN", tcp::kHeaderLen),
               value("TCP_MAX_HEADER_LEN", tcp::kMaxHeaderLen)}),
      Section("TCP control bits: bit positions within the TCP_FLAGS field",
              {flag_bit("TCP_FLAG_FIN", fl::kFin), flag_bit("TCP_FLAG_SYN", fl::kSyn),
               flag_bit("TCP_FLAG_RST", fl::kRst), flag_bit("TCP_FLAG_PSH", fl::kPsh),
               flag_bit("TCP_FLAG_ACK", fl::kAck), flag_bit("TCP_FLAG_URG", fl::kUrg),
               flag_bit("TCP_FLAG_ECE", fl::kEce), flag_bit("TCP_FLAG_CWR", fl::kCwr)}),
      Section("TCP option kinds and their lengths in octets",
              {value("TCP_OPT_EOL", op::kEol), value("TCP_OPT_NOP", op::kNop),
               value("TCP_OPT_MSS", op::kMss), value("TCP_OPT_MSS_LEN", op::kMssLen),
               value("TCP_OPT_WINDOW_SCALE", op::kWindowScale),
               value("TCP_OPT_WINDOW_SCALE_LEN", op::kWindowScaleLen),
               value("TCP_OPT_SACK_PERMITTED", op::kSackPermitted),
               value("TCP_OPT_SACK_PERMITTED_LEN", op::kSackPermittedLen),
               value("TCP_OPT_SACK", op::kSack), value("TCP_OPT_TIMESTAMPS", op::kTimestamps),
               value("TCP_OPT_TIMESTAMPS_LEN", op::kTimestampsLen),
               value("TCP_OPT_MAX_WINDOW_SCALE", op::kMaxWindowScale)}),
      Section("Header positions in the frames the device builds and accepts",
              {value("FRAME_IPV4_OFF", frame::kIpv4Offset),
               value("FRAME_TCP_OFF", frame::kTcpOffset),
               value("FRAME_MIN_TCP_FRAME_LEN", frame::kMinTcpFrameLen)}),
      Section("RX descriptor (rx_descriptor.h): octet offsets in the 64-octet record, "
              "multi-octet fields big-endian",
              {value("RX_DESC_LEN", rx_desc::kSize), field("RX_DESC_ETH_DST", rx_desc::kEthDst),
               field("RX_DESC_ETH_SRC", rx_desc::kEthSrc),
               field("RX_DESC_ETHERTYPE", rx_desc::kEtherType),
               field("RX_DESC_IP_TOS", rx_desc::kIpTos), field("RX_DESC_IP_TTL", rx_desc::kIpTtl),
               field("RX_DESC_IP_SRC", rx_desc::kIpSrc), field("RX_DESC_IP_DST", rx_desc::kIpDst),
               field("RX_DESC_IP_TOTAL_LEN", rx_desc::kIpTotalLen),
               field("RX_DESC_IP_IDENT", rx_desc::kIpIdent),
               field("RX_DESC_IP_FLAGS", rx_desc::kIpFlags),
               field("RX_DESC_IP_PROTOCOL", rx_desc::kIpProtocol),
               field("RX_DESC_TCP_DATA_OFFSET", rx_desc::kTcpDataOffset),
               field("RX_DESC_TCP_FLAGS", rx_desc::kTcpFlags),
               field("RX_DESC_TCP_SRC_PORT", rx_desc::kTcpSrcPort),
               field("RX_DESC_TCP_DST_PORT", rx_desc::kTcpDstPort),
               field("RX_DESC_TCP_SEQ", rx_desc::kTcpSeq),
               field("RX_DESC_TCP_ACK", rx_desc::kTcpAck),
               field("RX_DESC_TCP_WINDOW", rx_desc::kTcpWindow),
               field("RX_DESC_TCP_URGENT", rx_desc::kTcpUrgent),
               field("RX_DESC_OPT_MSS", rx_desc::kOptMss),
               field("RX_DESC_OPT_WINDOW_SCALE", rx_desc::kOptWindowScale),
               field("RX_DESC_OPT_FOUND", rx_desc::kOptFound),
               field("RX_DESC_OPT_TS_VAL", rx_desc::kOptTsVal),
               field("RX_DESC_OPT_TS_ECR", rx_desc::kOptTsEcr),
               field("RX_DESC_PAYLOAD_OFFSET", rx_desc::kPayloadOffset),
               field("RX_DESC_VERDICT", rx_desc::kVerdict),
               field("RX_DESC_PAYLOAD_LEN", rx_desc::kPayloadLen),
               flag_bit("RX_DESC_IP_FLAG_DF", rx_desc::ip_flag::kDontFrag),
               flag_bit("RX_DESC_IP_FLAG_MF", rx_desc::ip_flag::kMoreFrags),
               flag_bit("RX_DESC_IP_FLAG_RESERVED", rx_desc::ip_flag::kReserved),
               flag_bit("RX_DESC_OPT_FOUND_MSS", rx_desc::opt_found::kMss),
               flag_bit("RX_DESC_OPT_FOUND_WS", rx_desc::opt_found::kWindowScale),
               flag_bit("RX_DESC_OPT_FOUND_SACK", rx_desc::opt_found::kSackPermitted),
               flag_bit("RX_DESC_OPT_FOUND_TS", rx_desc::opt_found::kTimestamps),
               value("RX_DESC_OPT_UNKNOWN_SHIFT", rx_desc::opt_found::kUnknownShift),
               value("RX_DESC_OPT_UNKNOWN_MAX", rx_desc::opt_found::kUnknownMax),
               flag_bit("RX_DESC_VERDICT_IP_CHECKED", rx_desc::verdict::kIpCsumChecked),
               flag_bit("RX_DESC_VERDICT_TCP_CHECKED", rx_desc::verdict::kTcpCsumChecked),
               flag_bit("RX_DESC_VERDICT_IP_OK", rx_desc::verdict::kIpCsumOk),
               flag_bit("RX_DESC_VERDICT_TCP_OK", rx_desc::verdict::kTcpCsumOk)}),
      Section("TX descriptor (tx_descriptor.h): octet offsets in the 64-octet record",
              {value("TX_DESC_LEN", txdesc::kSize), field("TX_DESC_ETH_DST", txdesc::kEthDst),
               field("TX_DESC_ETH_SRC", txdesc::kEthSrc), field("TX_DESC_IP_SRC", txdesc::kIpSrc),
               field("TX_DESC_IP_DST", txdesc::kIpDst),
               field("TX_DESC_SRC_PORT", txdesc::kSrcPort),
               field("TX_DESC_DST_PORT", txdesc::kDstPort), field("TX_DESC_SEQ", txdesc::kSeq),
               field("TX_DESC_ACK", txdesc::kAck), field("TX_DESC_WINDOW", txdesc::kWindow),
               field("TX_DESC_URGENT", txdesc::kUrgent), field("TX_DESC_TSVAL", txdesc::kTsVal),
               field("TX_DESC_TSECR", txdesc::kTsEcr), field("TX_DESC_MSS", txdesc::kMss),
               field("TX_DESC_PAYLOAD_LEN", txdesc::kPayloadLen),
               field("TX_DESC_IDENT", txdesc::kIdent), field("TX_DESC_TTL", txdesc::kTtl),
               field("TX_DESC_TOS", txdesc::kTos), field("TX_DESC_TCP_FLAGS", txdesc::kTcpFlags),
               field("TX_DESC_OPT_FLAGS", txdesc::kOptFlags),
               field("TX_DESC_WINDOW_SCALE", txdesc::kWindowScale),
               field("TX_DESC_STREAM_OPT_LEN", txdesc::kStreamOptLen),
               value("TX_DESC_OPT_DF_BIT", txdesc::opt_bit::kDontFrag),
               value("TX_DESC_OPT_MSS_BIT", txdesc::opt_bit::kMss),
               value("TX_DESC_OPT_WS_BIT", txdesc::opt_bit::kWindowScale),
               value("TX_DESC_OPT_SACK_BIT", txdesc::opt_bit::kSackPermitted),
               value("TX_DESC_OPT_TS_BIT", txdesc::opt_bit::kTimestamps)}),
  };
}

std::string format_value(const Constant& c) {
  char buf[32];
  if (c.radix == Radix::kHex)
    std::snprintf(buf, sizeof buf, "'h%04X", static_cast<unsigned>(c.value));
  else
    std::snprintf(buf, sizeof buf, "%u", static_cast<unsigned>(c.value));
  return buf;
}

std::string pad(const std::string& s, std::size_t width) {
  return s + std::string(width > s.size() ? width - s.size() : 0, ' ');
}

unsigned bits_to_hold(unsigned max_value) {
  unsigned w = 1;
  while ((max_value >> w) != 0) ++w;
  return w;
}

bool generate(std::ostream& out) {
  std::set<std::string> names;
  const auto claim = [&names](const std::string& n) {
    if (names.insert(n).second) return true;
    std::cerr << "gen_sv_pkg: duplicate name " << n << "\n";
    return false;
  };

  out << "// Generated from wire/include/tcpoe/wire/layout.h by wire/gen_sv_pkg.cpp \xE2\x80\x94 "
         "do not edit.\n"
         "// Regenerate: <build>/wire/tcpoe_gen_sv_pkg rtl/tcpoe_wire_pkg.sv\n"
         "//\n"
         "// Octet offsets are from the start of their header; multi-octet fields are\n"
         "// big-endian. A *_WORD_OFF/*_SHIFT/*_WIDTH field lives in the big-endian\n"
         "// 16-bit word at *_WORD_OFF, its least significant bit at *_SHIFT.\n"
         "package tcpoe_wire_pkg;\n"
         "\n"
         "  // Every design uses a few of these; Verilator would flag the rest.\n"
         "  /* verilator lint_off UNUSEDPARAM */\n";

  for (const Section& s : build_sections()) {
    std::size_t width = 0;
    for (const Constant& c : s.rows) width = std::max(width, c.name.size());
    out << "\n  // " << s.title << "\n";
    for (const Constant& c : s.rows) {
      if (!claim(c.name)) return false;
      out << "  localparam int unsigned " << pad(c.name, width) << " = " << format_value(c)
          << ";\n";
    }
  }

  const unsigned code_width = bits_to_hold(kMalformedCodeCount - 1u);
  out << "\n  // The receive parser's verdict, in the order the checks are made: the\n"
         "  // first that applies is reported (see docs/wire-format.md).\n"
      << "  localparam int unsigned MALFORMED_CODE_COUNT = " << unsigned{kMalformedCodeCount}
      << ";\n"
      << "  localparam int unsigned MALFORMED_W = " << code_width << ";\n"
      << "  typedef enum logic [" << code_width - 1 << ":0] {\n";
  const auto code_name = [](unsigned i) {
    return std::string("MALFORMED_") + to_string(static_cast<Malformed>(i));
  };
  std::size_t width = 0;
  for (unsigned i = 0; i < kMalformedCodeCount; ++i) width = std::max(width, code_name(i).size());
  for (unsigned i = 0; i < kMalformedCodeCount; ++i) {
    const std::string name = code_name(i);
    if (name.back() == '?') {
      std::cerr << "gen_sv_pkg: Malformed code " << i << " has no name in to_string()\n";
      return false;
    }
    if (!claim(name)) return false;
    out << "    " << pad(name, width) << " = " << code_width << "'d" << i
        << (i + 1 < kMalformedCodeCount ? "," : "") << "\n";
  }
  out << "  } malformed_e;\n"
         "  /* verilator lint_on UNUSEDPARAM */\n"
         "\nendpackage\n";
  return true;
}

// ---------------------------------------------------------------------------
// The device's host interface (device_regs.h): rtl/tcpoe_regs_pkg.sv and
// docs/register-map.md.

Rows bit_pos(const std::string& name, uint8_t position) { return {{name + "_BIT", position}}; }

Rows concat(std::initializer_list<Rows> groups) { return Section("", groups).rows; }

// One SystemVerilog enum from a table of names, in value order, and its
// width as <width_name>.
void sv_enum(std::ostream& out, const std::string& prefix, const char* const* names, unsigned count,
             const std::string& type, const std::string& width_name) {
  const unsigned w = bits_to_hold(count - 1u);
  out << "  localparam int unsigned " << width_name << " = " << w << ";\n";
  out << "  typedef enum logic [" << w - 1 << ":0] {\n";
  for (unsigned i = 0; i < count; ++i)
    out << "    " << prefix << names[i] << " = " << w << "'d" << i << (i + 1 < count ? "," : "")
        << "\n";
  out << "  } " << type << ";\n";
}

std::vector<Section> device_sections() {
  namespace d = dev;
  Rows ring_rows =
      concat({value("RING_COUNT", d::kRingCount), hex("RING_BASE", d::kRingBase),
              hex("RING_STRIDE", d::kRingStride), value("RING_MIN_LOG2", d::kMinRingLog2),
              value("RING_MAX_LOG2", d::kMaxRingLog2)});
  for (uint32_t i = 0; i < d::kRingCount; ++i)
    ring_rows.push_back({std::string("RING_") + d::kRingNames[i], i});
  for (const d::Register& r : d::ring_reg::kHostFilled)
    ring_rows.push_back({std::string("RING_") + r.name + "_OFF", r.offset, Radix::kHex});
  Rows irq_rows =
      concat({value("IRQ_VECTOR_COUNT", d::kIrqVectorCount), hex("IRQ_MOD_BASE", d::kIrqModBase),
              hex("IRQ_MOD_STRIDE", d::kIrqModStride), hex("MSIX_BASE", d::kMsixBase),
              hex("MSIX_STRIDE", d::kMsixStride)});
  for (uint32_t v = 0; v < d::kIrqVectorCount; ++v)
    irq_rows.push_back({std::string("IRQ_VECTOR_") + d::kIrqVectorNames[v], v});
  for (const d::Register& r : d::irq_mod_reg::kAll)
    irq_rows.push_back({std::string("IRQ_") + r.name + "_OFF", r.offset, Radix::kHex});
  for (const d::Register& r : d::msix_reg::kAll)
    irq_rows.push_back({std::string("MSIX_") + r.name + "_OFF", r.offset, Radix::kHex});
  Rows counter_rows = concat(
      {hex("CNT_BASE", d::kCounterBase), value("CNT_COUNT", d::kCounterCount),
       value("CNT_MALFORMED_BY_CODE_IDX", static_cast<uint32_t>(d::Counter::kMalformedByCode))});
  for (uint32_t i = 0; i < static_cast<uint32_t>(d::Counter::kMalformedByCode); ++i)
    counter_rows.push_back({std::string("CNT_") + d::kCounterInfo[i].name + "_IDX", i});
  return {
      Section("Identity", {hex("DEVICE_ID", d::kDeviceId), hex("DEVICE_VERSION", d::kVersion),
                           hex("BAR_SIZE", d::kBarSize)}),
      Section("Bits of CAPS, CONTROL and STATUS",
              {bit_pos("CAP_MSIX", d::cap_bit::kMsix),
               bit_pos("CAP_IRQ_MODERATION", d::cap_bit::kIrqModeration),
               bit_pos("CAP_INDEX_WRITEBACK", d::cap_bit::kIndexWriteback),
               bit_pos("CAP_TX_CHECKSUM", d::cap_bit::kTxChecksum),
               bit_pos("CAP_RX_CHECKSUM", d::cap_bit::kRxChecksum),
               bit_pos("CONTROL_ENABLE", d::control_bit::kEnable),
               bit_pos("CONTROL_SOFT_RESET", d::control_bit::kSoftReset),
               bit_pos("STATUS_RUNNING", d::status_bit::kRunning),
               bit_pos("STATUS_RESET_BUSY", d::status_bit::kResetBusy),
               bit_pos("STATUS_DMA_IDLE", d::status_bit::kDmaIdle)}),
      Section("Ring blocks: RING_BASE + ring * RING_STRIDE + RING_<reg>_OFF", {ring_rows}),
      Section("Interrupt moderation and the MSI-X table, per vector", {irq_rows}),
      Section("Counters: CNT_BASE + 4 * index", {counter_rows}),
      Section("TX_DESC ring entry: the TX descriptor, then the gather list at TX_RING_PARTS_OFF, "
              "part k at TX_RING_PARTS_OFF + k * TX_RING_PART_SIZE (fields relative to the part)",
              {value("TX_RING_ENTRY_LEN", d::tx_ring::kEntrySize),
               value("TX_RING_PARTS_OFF", d::tx_ring::kPartsOffset),
               value("TX_RING_PART_SIZE", d::tx_ring::kPartSize),
               value("TX_RING_MAX_PARTS", d::tx_ring::kMaxParts),
               field("TX_RING_PART_ADDR", d::tx_ring::kPartAddr),
               field("TX_RING_PART_LEN", d::tx_ring::kPartLen)}),
      Section("RX_BUF ring entry",
              {value("RX_BUF_ENTRY_LEN", d::rx_buf::kEntrySize),
               field("RX_BUF_ADDR", d::rx_buf::kAddr), field("RX_BUF_LEN", d::rx_buf::kLen)}),
      Section("TX completion", {value("TX_COMPL_ENTRY_LEN", d::tx_compl::kEntrySize),
                                field("TX_COMPL_DESC_INDEX", d::tx_compl::kDescIndex),
                                field("TX_COMPL_STATUS", d::tx_compl::kStatus),
                                field("TX_COMPL_TIMESTAMP", d::tx_compl::kTimestamp),
                                field("TX_COMPL_FLAGS", d::tx_compl::kFlags)}),
      Section("RX completion", {value("RX_COMPL_ENTRY_LEN", d::rx_compl::kEntrySize),
                                field("RX_COMPL_RX_DESC", d::rx_compl::kRxDesc),
                                field("RX_COMPL_BUF_INDEX", d::rx_compl::kBufIndex),
                                field("RX_COMPL_FRAME_LEN", d::rx_compl::kFrameLen),
                                field("RX_COMPL_STATUS", d::rx_compl::kStatus),
                                field("RX_COMPL_TIMESTAMP", d::rx_compl::kTimestamp),
                                field("RX_COMPL_FLAGS", d::rx_compl::kFlags),
                                flag_bit("COMPL_FLAG_PHASE", d::compl_flag::kPhase)}),
  };
}

bool write_sections(std::ostream& out, const std::vector<Section>& sections,
                    std::set<std::string>& names) {
  for (const Section& s : sections) {
    std::size_t width = 0;
    for (const Constant& c : s.rows) width = std::max(width, c.name.size());
    out << "\n  // " << s.title << "\n";
    for (const Constant& c : s.rows) {
      if (!names.insert(c.name).second) {
        std::cerr << "gen_sv_pkg: duplicate name " << c.name << "\n";
        return false;
      }
      out << "  localparam int unsigned " << pad(c.name, width) << " = " << format_value(c)
          << ";\n";
    }
  }
  return true;
}

bool generate_device(std::ostream& out) {
  std::set<std::string> names;
  out << "// Generated from wire/include/tcpoe/wire/device_regs.h by wire/gen_sv_pkg.cpp "
         "\xE2\x80\x94 "
         "do not edit.\n"
         "// Regenerate: <build>/wire/tcpoe_gen_sv_pkg --device rtl/tcpoe_regs_pkg.sv\n"
         "//\n"
         "// The device's host interface: BAR0 register offsets (REG_*), their reset\n"
         "// values (REG_*_RESET, where not zero), and the ring entries' octet offsets.\n"
         "// Registers are 32-bit numbers; ring entries are big-endian records.\n"
         "package tcpoe_regs_pkg;\n"
         "\n"
         "  /* verilator lint_off UNUSEDPARAM */\n";
  const std::vector<dev::RegisterInstance> map = dev::register_map();
  Rows regs, resets;
  for (const dev::RegisterInstance& r : map) {
    regs.push_back({"REG_" + r.name, r.offset, Radix::kHex});
    if (r.reset != 0) resets.push_back({"REG_" + r.name + "_RESET", r.reset, Radix::kHex});
  }
  if (!write_sections(out,
                      {Section("BAR0 registers: byte offsets", {regs}),
                       Section("Reset values that are not zero", {resets})},
                      names) ||
      !write_sections(out, device_sections(), names))
    return false;
  out << "\n  // Why a register write was refused (CFG_ERROR[7:0]).\n";
  sv_enum(out, "CFG_ERR_", dev::kCfgErrorNames, dev::kCfgErrorCount, "cfg_error_e", "CFG_ERROR_W");
  out << "\n  // Which DMA user made a faulting access (DMA_ERROR_INFO[7:4]).\n";
  sv_enum(out, "DMA_SRC_", dev::kDmaSourceNames,
          sizeof(dev::kDmaSourceNames) / sizeof(dev::kDmaSourceNames[0]), "dma_source_e", "DMA_SOURCE_W");
  out << "\n  // The status octet of TX and RX completions.\n";
  sv_enum(out, "COMPL_", dev::kComplStatusNames,
          sizeof(dev::kComplStatusNames) / sizeof(dev::kComplStatusNames[0]), "compl_status_e", "COMPL_STATUS_W");
  out << "  /* verilator lint_on UNUSEDPARAM */\n"
         "\nendpackage\n";
  return true;
}

const char* access_name(dev::Access a) {
  switch (a) {
    case dev::Access::kReadOnly:
      return "RO";
    case dev::Access::kReadWrite:
      return "RW";
    case dev::Access::kWrite1Clear:
      return "W1C";
  }
  return "?";
}

std::string hex_text(uint32_t v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*X", digits, static_cast<unsigned>(v));
  return buf;
}

void field_table(std::ostream& out, const char* title, uint16_t size,
                 std::initializer_list<std::pair<const char*, Field>> fields, const char* note) {
  out << "\n### " << title << " (" << size << " octets)\n\n"
      << note << "\n\n| octets | field |\n|---|---|\n";
  for (const auto& [name, f] : fields)
    out << "| " << f.offset << ".." << f.end() - 1 << " | " << name << " |\n";
}

bool generate_device_doc(std::ostream& out) {
  namespace d = dev;
  out << "<!-- Generated from wire/include/tcpoe/wire/device_regs.h by wire/gen_sv_pkg.cpp: do not "
         "edit.\n     Regenerate: <build>/wire/tcpoe_gen_sv_pkg --device-doc docs/register-map.md "
         "-->\n"
         "# Register map and ring formats\n\n"
         "The device's host interface, as the driver sees it through BAR0 and host memory. "
         "Its one definition is `wire/include/tcpoe/wire/device_regs.h`; the RTL reads it "
         "through the generated `rtl/tcpoe_regs_pkg.sv`, and tests keep both generated files "
         "in step with it.\n\n"
         "**Byte order.** Registers are 32-bit numbers, accessed as aligned 32-bit reads and "
         "writes (little-endian on PCIe, as on every PCIe device); a 64-bit address is two "
         "registers, `_LO` (bits 31:0) and `_HI`. Ring entries and completions in host memory "
         "are records whose multi-octet fields are big-endian, like the TX and RX descriptors "
         "(docs/descriptors.md).\n\n"
         "**Refused writes.** A write to a read-only or unmapped offset, to the configuration "
         "of an enabled ring, or with a value the device cannot use changes nothing and is "
         "reported in `CFG_ERROR` (code and offset); a register is never half-applied.\n\n"
      << "Device ID `" << hex_text(d::kDeviceId, 8) << "`, interface version "
      << unsigned{d::kVersionMajor} << "." << unsigned{d::kVersionMinor} << ", BAR0 size "
      << d::kBarSize / 1024 << " KiB.\n\n## BAR0 registers\n\n"
      << "| offset | name | access | reset | meaning |\n|---|---|---|---|---|\n";
  for (const d::RegisterInstance& r : d::register_map())
    out << "| " << hex_text(r.offset, 4) << " | " << r.name << " | " << access_name(r.access)
        << " | " << hex_text(r.reset, 1) << " | " << r.summary << " |\n";
  out << "\nRing blocks: TXD (TX descriptors, host to device), RXB (empty RX buffers, host to "
         "device), TXC and RXC (completions, device to host). Indices are 16-bit free-running "
         "counters: entry `i` is at `BASE + (i mod 2^SIZE_LOG2) * entry size`; a ring is empty "
         "when PROD == CONS and full when PROD - CONS == 2^SIZE_LOG2 (mod 2^16). SIZE_LOG2 is "
      << unsigned{d::kMinRingLog2} << ".." << unsigned{d::kMaxRingLog2}
      << ". With WB_LO/WB_HI set, the device writes its own index of the ring (the "
         "consumer index of TXD and RXB, the producer index of TXC and RXC) to that host "
         "address after each change, 4 octets big-endian, so the driver's fast path reads no "
         "register. Ring bases and write-back addresses are aligned to 64 octets, so every "
         "ring access and write-back starts on a bus beat (only TX payload parts may start "
         "anywhere).\n\n## Codes\n\n| CFG_ERROR[7:0] | |\n|---|---|\n";
  for (unsigned i = 0; i < d::kCfgErrorCount; ++i)
    out << "| " << i << " | " << d::kCfgErrorNames[i] << " |\n";
  out << "\n| DMA_ERROR_INFO[7:4] | |\n|---|---|\n";
  for (unsigned i = 0; i < sizeof(d::kDmaSourceNames) / sizeof(d::kDmaSourceNames[0]); ++i)
    out << "| " << i << " | " << d::kDmaSourceNames[i] << " |\n";
  out << "\n| completion status | |\n|---|---|\n";
  for (unsigned i = 0; i < sizeof(d::kComplStatusNames) / sizeof(d::kComplStatusNames[0]); ++i)
    out << "| " << i << " | " << d::kComplStatusNames[i] << " |\n";
  out << "\n## Ring entries\n";
  field_table(
      out, "TX_DESC entry", d::tx_ring::kEntrySize,
      {{"the TX descriptor (docs/descriptors.md), octets 0..55", Field{0, txdesc::kReservedOffset}},
       {"reserved, zero", Field{txdesc::kReservedOffset, 8}},
       {"part 0: host address of its first octet", d::tx_ring::part_addr(0)},
       {"part 0: length in octets", d::tx_ring::part_len(0)},
       {"part 1: host address", d::tx_ring::part_addr(1)},
       {"part 1: length", d::tx_ring::part_len(1)},
       {"part 2: host address", d::tx_ring::part_addr(2)},
       {"part 2: length", d::tx_ring::part_len(2)},
       {"part 3: host address", d::tx_ring::part_addr(3)},
       {"part 3: length", d::tx_ring::part_len(3)}},
      "The builder ignores octets 56..127. The gather list says where the descriptor's "
      "`payload_len` octets (its stream options, then its payload) are in host memory: the DMA "
      "engine reads the parts in order, each from any octet address, skipping parts of length "
      "0, and joins them into one packet for the builder. Octets 10..15 of each part are "
      "reserved (zero). Lengths that do not add up to `payload_len` complete with "
      "DESC_REJECTED; a `payload_len` above the device's largest payload with "
      "PAYLOAD_TOO_LONG. Neither is read or sent.");
  field_table(out, "RX_BUF entry", d::rx_buf::kEntrySize,
              {{"buffer address", d::rx_buf::kAddr}, {"buffer length", d::rx_buf::kLen}},
              "Octets 12..15 are reserved (zero). A frame longer than its buffer is dropped and "
              "counted (CNT_RX_DROP_TOO_LONG); the buffer stays posted for the next frame. The "
              "buffer address must be aligned to 64 octets: a frame meant for a buffer that is "
              "not is not written, its completion says DESC_REJECTED, and the buffer is used.");
  field_table(out, "TX completion", d::tx_compl::kEntrySize,
              {{"TX_DESC index completed", d::tx_compl::kDescIndex},
               {"status", d::tx_compl::kStatus},
               {"device cycle of the outcome (below)", d::tx_compl::kTimestamp},
               {"flags: bit 7 phase, written last", d::tx_compl::kFlags}},
              "One per TX descriptor, in descriptor order. The timestamp is the cycle the "
              "frame's last beat left; for a descriptor not sent, the cycle it was refused or "
              "its read failed, or the previous completion's timestamp if that is later, so "
              "timestamps never decrease. A descriptor whose ring entry could not be read "
              "completes with DMA_ERROR. With a 32- or 64-octet data path the device writes the "
              "aligned block from the start of the entry's beat through the entry, rewriting "
              "the earlier entries of that block with their same contents.");
  field_table(out, "RX completion", d::rx_compl::kEntrySize,
              {{"the parser's RX descriptor (docs/descriptors.md)", d::rx_compl::kRxDesc},
               {"RX_BUF index the frame landed in", d::rx_compl::kBufIndex},
               {"octets written to the buffer", d::rx_compl::kFrameLen},
               {"status", d::rx_compl::kStatus},
               {"device cycle of the frame's last beat", d::rx_compl::kTimestamp},
               {"flags: bit 7 phase, written last", d::rx_compl::kFlags}},
              "One per received frame that found a buffer, in arrival order. Status OK, "
              "DESC_REJECTED (buffer address not aligned to 64 octets) or DMA_ERROR (the "
              "frame's write failed); octets written is 0 unless OK.");
  out << "\nA completion is new when its phase bit equals the ring's current pass: 1 on the "
         "first pass after the ring is enabled, flipped on every wrap.\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // tcpoe_gen_sv_pkg [--device | --device-doc] [OUTPUT]
  bool (*generator)(std::ostream&) = generate;
  int arg = 1;
  if (arg < argc && std::string(argv[arg]) == "--device") {
    generator = generate_device;
    ++arg;
  } else if (arg < argc && std::string(argv[arg]) == "--device-doc") {
    generator = generate_device_doc;
    ++arg;
  }
  if (argc - arg > 1 || (arg < argc && argv[arg][0] == '-')) {
    std::cerr << "usage: " << argv[0] << " [--device | --device-doc] [OUTPUT]\n";
    return 2;
  }
  std::ostringstream text;
  if (!generator(text)) return 1;
  if (arg == argc) {
    std::cout << text.str();
    return std::cout ? 0 : 1;
  }
  std::ofstream file(argv[arg], std::ios::binary);
  file << text.str();
  file.close();
  if (!file) {
    std::cerr << "gen_sv_pkg: cannot write " << argv[arg] << "\n";
    return 1;
  }
  return 0;
}
