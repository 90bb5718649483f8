// A receive descriptor as tcpoe-parse prints it: every field as JSON (from
// wire::for_each_field, so no field is listed here), one tshark-like line,
// and the message of its --check comparison with the software parser.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

#include "cli_args.h"
#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/rx_descriptor.h"

namespace tcpoe::cli {

// One field's value in JSON: numbers as numbers, flags as true/false, MAC
// addresses as "02:00:00:00:00:01", the Malformed code by its name.
inline std::string json_value(bool v) { return v ? "true" : "false"; }
inline std::string json_value(wire::Malformed code) {
  return std::string("\"") + wire::to_string(code) + "\"";
}
inline std::string json_value(const std::array<uint8_t, 6>& mac) {
  char s[24];
  std::snprintf(s, sizeof s, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return s;
}
template <typename Unsigned,
          typename = std::enable_if_t<std::is_unsigned_v<Unsigned> && !std::is_same_v<Unsigned, bool>>>
std::string json_value(Unsigned v) {
  return std::to_string(static_cast<unsigned long long>(v));
}

// A checksum's verdict: "ok", "bad", or "unchecked" when the frame's form
// did not allow judging it.
inline const char* csum_verdict(bool checked, bool ok) {
  return !checked ? "unchecked" : (ok ? "ok" : "bad");
}

// "key": value pairs of every descriptor field, comma-separated, and the two
// checksum verdicts in words.
inline std::string descriptor_json_members(const wire::RxDescriptor& d) {
  std::string s;
  wire::for_each_field(
      [&s](const char* name, const auto& value) {
        s += (s.empty() ? "\"" : ", \"") + std::string(name) + "\": " + json_value(value);
      },
      d);
  s += std::string(", \"ip_csum\": \"") + csum_verdict(d.ip_csum_checked, d.ip_csum_ok) + "\"";
  s += std::string(", \"tcp_csum\": \"") + csum_verdict(d.tcp_csum_checked, d.tcp_csum_ok) + "\"";
  return s;
}

// tshark-like: addresses:ports, flags, numbers, options, checksum verdicts,
// and the Malformed code by name when the frame is malformed (its fixed
// fields are then the octets at their place, see rx_descriptor.h).
// A frame refused before its IPv4 header was sound shows its Ethernet
// header; one refused before its TCP header, its IPv4 addresses.
inline std::string descriptor_line(const wire::RxDescriptor& d) {
  using wire::Malformed;
  char head[200];
  if (d.malformed != Malformed::kNone && d.malformed < Malformed::kIpHeaderLen) {
    const auto mac = [](const std::array<uint8_t, 6>& m) {
      const std::string quoted = json_value(m);
      return quoted.substr(1, quoted.size() - 2);
    };
    std::snprintf(head, sizeof head, "%s > %s ethertype 0x%04x", mac(d.eth_src).c_str(),
                  mac(d.eth_dst).c_str(), d.ethertype);
  } else if (d.malformed != Malformed::kNone && d.malformed < Malformed::kTcpDataOffset) {
    std::snprintf(head, sizeof head, "%s > %s protocol %u", ipv4_text(d.ip_src).c_str(),
                  ipv4_text(d.ip_dst).c_str(), d.ip_protocol);
  } else {
    std::snprintf(head, sizeof head, "%s:%u > %s:%u [%s] seq %u ack %u win %u len %u",
                  ipv4_text(d.ip_src).c_str(), d.tcp_src_port, ipv4_text(d.ip_dst).c_str(),
                  d.tcp_dst_port, flags_text(d.tcp_flags).c_str(), d.tcp_seq, d.tcp_ack,
                  d.tcp_window, d.payload_len);
  }
  std::string s = head;
  if (d.malformed == Malformed::kNone) {
    if (d.tcp_flags & wire::tcp::flag::kUrg) s += " urg " + std::to_string(d.tcp_urgent);
    if (d.ecn() != 0) s += " ecn " + std::to_string(d.ecn());
    s += options_text(options_of(d));
  }
  s += std::string(" ip-csum ") + csum_verdict(d.ip_csum_checked, d.ip_csum_ok) + " tcp-csum " +
       csum_verdict(d.tcp_csum_checked, d.tcp_csum_ok);
  if (d.malformed != wire::Malformed::kNone)
    s += std::string(" MALFORMED ") + wire::to_string(d.malformed);
  return s;
}

// --check: empty when the parser's descriptor equals the software parser's,
// else which field of which frame (counted from 1) differs, and both values.
inline std::string check_difference(std::size_t frame_number, const wire::RxDescriptor& parser,
                                    const wire::RxDescriptor& software) {
  const char* field = wire::first_difference(parser, software);
  if (field == nullptr) return "";
  std::string values;
  wire::for_each_field(
      [&](const char* name, const auto& p, const auto& s) {
        if (std::string(name) == field)
          values = "parser " + json_value(p) + ", parse_frame " + json_value(s);
      },
      parser, software);
  return "frame " + std::to_string(frame_number) + ": " + field + " differs (" + values + ")";
}

}  // namespace tcpoe::cli
