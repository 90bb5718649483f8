// Wireshark's dissectors as an independent judge of a capture file: every
// bad IPv4/TCP checksum and every malformed or erroneous frame is reported
// (tshark_check()), and any field's value can be read per frame
// (tshark_fields()) to be judged against what the frame was made from.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "subprocess.h"

namespace tcpoe::test {

struct TsharkVerdict {
  bool ran = false;  // tshark ran and read the file; false means no verdict at all
  int frames = 0;
  std::vector<std::string> problems;  // "frame N: ..." one per finding; empty = clean
  std::string raw;  // tshark's field output (and its stderr when it failed)
};

struct TsharkCheckOptions {
  // TCP sequence analysis warnings (retransmission, out of order, segment not
  // captured, zero window...) judge a connection's behaviour, not a frame's
  // form; loss-recovery tests produce them on purpose, so they are opt-in.
  bool sequence_warnings = false;
  // Decode every TCP payload as plain data. Segments with random ports and
  // payloads otherwise reach whatever application dissector owns the port,
  // which rightly finds them malformed (a DNS message that is not one); that
  // judges the payload, not the headers the builder made.
  bool payload_as_data = false;
};

namespace tshark_detail {

// epan/proto.h's PI_SEVERITY_MASK/PI_GROUP_MASK values as tshark prints them.
constexpr unsigned long kSeverityMask = 0x00f00000;
constexpr unsigned long kGroupMask = 0xff000000;
constexpr unsigned long kSeverityWarn = 0x00600000;
constexpr unsigned long kSeverityError = 0x00800000;
constexpr unsigned long kGroupSequence = 0x02000000;
// Values of ip.checksum.status and tcp.checksum.status.
constexpr const char* kChecksumBad = "0";

// Occurrences of one field are joined with the ASCII unit separator, which
// no expert message contains (a '|' or ',' might).
constexpr char kAggregator = '\x1f';

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

inline std::string group_name(unsigned long group) {
  switch (group) {
    case 0x01000000: return "Checksum";
    case 0x02000000: return "Sequence";
    case 0x05000000: return "Undecoded";
    case 0x06000000: return "Reassemble";
    case 0x07000000: return "Malformed";
    case 0x09000000: return "Protocol";
    default: {
      char b[24];
      std::snprintf(b, sizeof b, "group 0x%lx", group);
      return b;
    }
  }
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// tshark on `pcap_path` printing `fields` (-T fields, tab-separated, every
// occurrence of a field joined by kAggregator), both checksums validated.
// A personal profile (preferences, disabled protocols, Lua plugins) must not
// change the verdict, nor one unreadable to this user break tshark. False
// with tshark's exit code and stderr in *output when it failed.
inline bool run_tshark_fields(const std::string& pcap_path, const std::vector<std::string>& fields,
                              std::string* output, bool payload_as_data = false) {
  char err_tmpl[] = "/tmp/tcpoe-tshark-err-XXXXXX";
  const int err_fd = mkstemp(err_tmpl);
  if (err_fd < 0) {
    *output = "mkstemp failed";
    return false;
  }
  ::close(err_fd);
  const std::string err_path = err_tmpl;
  std::string cmd = std::string("WIRESHARK_CONFIG_DIR=/nonexistent/tcpoe ") + TCPOE_TSHARK +
                    " -n -r '" + pcap_path + "'" +
                    " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE" +
                    (payload_as_data ? " -d tcp.port==0-65535,data" : "") +
                    " -T fields -E header=n -E separator=/t -E occurrence=a" +
                    " -E 'aggregator=" + kAggregator + "'";
  for (const std::string& f : fields) cmd += " -e " + f;
  cmd += " 2>'" + err_path + "'";
  const CommandResult r = run_command(cmd);
  *output = r.output;
  const std::string err = read_file(err_path);
  std::remove(err_path.c_str());
  if (r.exit_code == 0) return true;
  *output += "\n[tshark exit " + std::to_string(r.exit_code) + "] " + err;
  return false;
}

}  // namespace tshark_detail

// The values tshark dissects for `fields`, one row per frame, one entry per
// field in the order asked; each entry lists the field's occurrences in the
// frame (empty when tshark did not find it).
struct TsharkFields {
  bool ran = false;  // tshark ran and read the file
  std::vector<std::vector<std::vector<std::string>>> rows;
  std::string raw;  // tshark's output (and its stderr when it failed)
};

inline TsharkFields tshark_fields(const std::string& pcap_path,
                                  const std::vector<std::string>& fields) {
  namespace d = tshark_detail;
  TsharkFields t;
  t.ran = d::run_tshark_fields(pcap_path, fields, &t.raw);
  if (!t.ran) return t;
  std::istringstream lines(t.raw);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f = d::split(line, '\t');
    f.resize(fields.size());
    std::vector<std::vector<std::string>> row;
    for (const std::string& v : f)
      row.push_back(v.empty() ? std::vector<std::string>{} : d::split(v, d::kAggregator));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Checksum validation is off by default in Wireshark (offloading NICs make
// captured checksums meaningless); here they are exactly what was sent, so
// both are switched on.
inline TsharkVerdict tshark_check(const std::string& pcap_path,
                                  const TsharkCheckOptions& options = {}) {
  namespace d = tshark_detail;
  TsharkVerdict v;
  // Fields, in order: 0 frame.number, 1 ip.checksum.status, 2 tcp.checksum.status,
  // 3 _ws.malformed, 4 _ws.expert.severity, 5 _ws.expert.group, 6 _ws.expert.message.
  v.ran = d::run_tshark_fields(pcap_path,
                               {"frame.number", "ip.checksum.status", "tcp.checksum.status",
                                "_ws.malformed", "_ws.expert.severity", "_ws.expert.group",
                                "_ws.expert.message"},
                               &v.raw, options.payload_as_data);
  if (!v.ran) return v;

  std::istringstream lines(v.raw);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f = d::split(line, '\t');
    f.resize(7);
    ++v.frames;
    const std::string where = "frame " + f[0] + ": ";
    // A frame may carry several IPv4 headers (ICMP errors quote one).
    for (const std::string& s : d::split(f[1], d::kAggregator))
      if (s == d::kChecksumBad) v.problems.push_back(where + "bad IPv4 header checksum");
    for (const std::string& s : d::split(f[2], d::kAggregator))
      if (s == d::kChecksumBad) v.problems.push_back(where + "bad TCP checksum");
    // The first occurrence names the protocol ("[Malformed Packet: TCP]").
    if (!f[3].empty())
      v.problems.push_back(where + "malformed: " + d::split(f[3], d::kAggregator).front());

    const std::vector<std::string> sev = d::split(f[4], d::kAggregator);
    const std::vector<std::string> grp = d::split(f[5], d::kAggregator);
    const std::vector<std::string> msg = d::split(f[6], d::kAggregator);
    for (std::size_t i = 0; i < sev.size(); ++i) {
      const unsigned long severity = std::strtoul(sev[i].c_str(), nullptr, 10) & d::kSeverityMask;
      const unsigned long group =
          i < grp.size() ? std::strtoul(grp[i].c_str(), nullptr, 10) & d::kGroupMask : 0;
      if (severity < d::kSeverityWarn) continue;
      if (group == d::kGroupSequence && !options.sequence_warnings) continue;
      v.problems.push_back(where + (severity >= d::kSeverityError ? "Error/" : "Warning/") +
                           d::group_name(group) + ": " + (i < msg.size() ? msg[i] : "?"));
    }
  }
  return v;
}

}  // namespace tcpoe::test
