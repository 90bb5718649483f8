// tcpoe-parse as a user runs it: on traffic the Linux kernel sends between
// two network namespaces this test creates (judged field by field against
// tshark's own dissection of the same capture), on scapy-made bad frames
// (one or more of every Malformed code, wrong checksums), on bad arguments
// and bad files; and the --check comparison, shown to fail when a field
// differs. The namespace test exits 77 (ctest: skipped) without the
// privileges to create namespaces.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include "../support/subprocess.h"
#include "rx_descriptor_text.h"

using tcpoe::test::run_command;

namespace {

const std::string kCli = TCPOE_PARSE_CLI;
const std::string kTraffic = std::string(TCPOE_SCAPY_PYTHON) + " " + TCPOE_NETNS_TRAFFIC;
constexpr int kSkipExitCode = 77;  // registered as SKIP_RETURN_CODE
const int kWidths[] = {64, 128, 256, 512};

// One flat JSON object, as tcpoe-parse prints it: key -> value text
// (strings without their quotes).
using Object = std::map<std::string, std::string>;

Object parse_object(const std::string& line) {
  Object o;
  std::size_t i = line.find('{');
  REQUIRE(i != std::string::npos);
  ++i;
  const auto skip_space = [&] {
    while (i < line.size() && line[i] == ' ') ++i;
  };
  while (true) {
    skip_space();
    REQUIRE(i < line.size());
    if (line[i] == '}') break;
    REQUIRE(line[i] == '"');
    const std::size_t key_end = line.find('"', i + 1);
    REQUIRE(key_end != std::string::npos);
    const std::string key = line.substr(i + 1, key_end - i - 1);
    i = key_end + 1;
    skip_space();
    REQUIRE(line[i] == ':');
    ++i;
    skip_space();
    std::string value;
    if (line[i] == '"') {
      const std::size_t end = line.find('"', i + 1);
      REQUIRE(end != std::string::npos);
      value = line.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      const std::size_t end = line.find_first_of(",}", i);
      REQUIRE(end != std::string::npos);
      value = line.substr(i, end - i);
      i = end;
    }
    REQUIRE(o.count(key) == 0);
    o[key] = value;
    skip_space();
    if (line[i] == ',') ++i;
  }
  return o;
}

// The JSON lines of a run, indexed by their "frame" number.
std::map<int, Object> objects_by_frame(const std::string& output) {
  std::map<int, Object> by_frame;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const Object o = parse_object(line);
    REQUIRE(o.count("frame") == 1);
    const int frame = std::stoi(o.at("frame"));
    REQUIRE(by_frame.count(frame) == 0);
    by_frame[frame] = o;
  }
  return by_frame;
}

// stdout alone (the summary goes to stderr), with the exit code.
tcpoe::test::CommandResult run_json(const std::string& pcap, int width,
                                    const std::string& extra = "") {
  return run_command(kCli + " --pcap " + pcap + " --json --check --data-width " +
                     std::to_string(width) + " " + extra + " 2>" + pcap + ".stderr");
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A classic pcap file: the global header with `link_type`, then the records,
// each `cut` octets longer on the wire than in the file.
void write_pcap(const std::string& path, uint32_t link_type,
                const std::vector<std::vector<uint8_t>>& frames, uint32_t cut = 0) {
  std::ofstream f(path, std::ios::binary);
  const auto u32 = [&f](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  const auto u16 = [&f](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  u32(0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(262144);
  u32(link_type);
  uint32_t t = 0;
  for (const auto& frame : frames) {
    u32(1700000000 + t++);
    u32(0);
    u32(uint32_t(frame.size()));
    u32(uint32_t(frame.size()) + cut);
    f.write(reinterpret_cast<const char*>(frame.data()), std::streamsize(frame.size()));
  }
}

// ---- the Linux capture

// Two namespaces joined by a veth pair, all named with this process's id and
// removed when the guard goes, whatever happened in between. Background
// processes started through start() are stopped then too.
class NetnsPair {
 public:
  NetnsPair() {
    const std::string id = std::to_string(getpid());
    a_ = "tcpoe-pt-a-" + id;
    b_ = "tcpoe-pt-b-" + id;
    veth_a_ = "tpa" + id;
    veth_b_ = "tpb" + id;
  }
  ~NetnsPair() {
    for (int pid : background_) run_command("kill " + std::to_string(pid) + " 2>/dev/null");
    run_command("ip netns del " + a_ + " 2>/dev/null");
    run_command("ip netns del " + b_ + " 2>/dev/null");
  }

  // Creates the namespaces; false, with the reason, without the privileges.
  bool create(std::string* why) {
    const auto r = run_command("ip netns add " + a_ + " 2>&1");
    if (r.exit_code != 0) {
      *why = "cannot create a network namespace (" + r.output + ")";
      return false;
    }
    const std::string s = " 2>&1";
    for (const std::string& cmd :
         {"ip netns add " + b_, "ip link add " + veth_a_ + " type veth peer name " + veth_b_,
          "ip link set " + veth_a_ + " netns " + a_, "ip link set " + veth_b_ + " netns " + b_,
          "ip -n " + a_ + " addr add " + kAddrA + "/24 dev " + veth_a_,
          "ip -n " + b_ + " addr add " + kAddrB + "/24 dev " + veth_b_,
          "ip -n " + a_ + " link set " + veth_a_ + " up",
          "ip -n " + b_ + " link set " + veth_b_ + " up",
          in_a(kTraffic + " txcsum-off " + veth_a_), in_b(kTraffic + " txcsum-off " + veth_b_)}) {
      const auto step = run_command(cmd + s);
      INFO(cmd << ": " << step.output);
      REQUIRE(step.exit_code == 0);
    }
    return true;
  }

  std::string in_a(const std::string& cmd) const { return "ip netns exec " + a_ + " " + cmd; }
  std::string in_b(const std::string& cmd) const { return "ip netns exec " + b_ + " " + cmd; }
  const std::string& veth_a() const { return veth_a_; }

  void sysctl_both(const std::string& settings) {
    for (const std::string& cmd : {in_a("sysctl -q -w " + settings), in_b("sysctl -q -w " + settings)}) {
      const auto r = run_command(cmd + " 2>&1");
      INFO(cmd << ": " << r.output);
      REQUIRE(r.exit_code == 0);
    }
  }

  // Starts `cmd` in the background, its output into `log`; its pid.
  int start(const std::string& cmd, const std::string& log) {
    const auto r = run_command(cmd + " > " + log + " 2>&1 & echo $!");
    const int pid = std::stoi(r.output);
    background_.push_back(pid);
    return pid;
  }

  static constexpr const char* kAddrA = "10.213.0.1";
  static constexpr const char* kAddrB = "10.213.0.2";

 private:
  std::string a_, b_, veth_a_, veth_b_;
  std::vector<int> background_;
};

bool running(int pid) { return run_command("kill -0 " + std::to_string(pid) + " 2>/dev/null").exit_code == 0; }

// Waits up to `seconds` for `done`; whether it came.
template <typename Done>
bool wait_for(Done done, double seconds) {
  for (int i = 0; i < int(seconds * 20); ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// tshark's dissection of every TCP frame of a capture: field -> value text
// ("" where tshark shows nothing).
const char* const kTsharkFields[] = {
    "frame.number",  "tcp.srcport",        "tcp.dstport",
    "tcp.seq_raw",   "tcp.ack_raw",        "tcp.flags",
    "tcp.window_size_value", "tcp.len",    "tcp.options.mss_val",
    "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr", "tcp.urgent_pointer", "ip.dsfield",
    "ip.dsfield.ecn", "ip.checksum.status", "tcp.checksum.status"};

std::vector<Object> tshark_tcp_frames(const std::string& pcap) {
  std::string cmd = std::string(TCPOE_TSHARK) + " -n -r " + pcap +
                    " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -Y tcp -T fields"
                    " -E occurrence=f";
  for (const char* f : kTsharkFields) cmd += std::string(" -e ") + f;
  const auto r = run_command(cmd + " 2>/dev/null");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::vector<Object> rows;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    Object row;
    std::size_t start = 0;
    for (const char* f : kTsharkFields) {
      const std::size_t tab = line.find('\t', start);
      row[f] = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      start = tab == std::string::npos ? line.size() : tab + 1;
    }
    rows.push_back(row);
  }
  return rows;
}

uint64_t number(const std::string& text) { return std::stoull(text, nullptr, 0); }

}  // namespace

TEST_CASE("tcpoe-parse reads Linux's own traffic as tshark does, at every DATA_W",
          "[host][netns][tshark]") {
  NetnsPair net;
  std::string why;
  if (!net.create(&why)) {
    std::fprintf(stderr, "\n*** SKIPPED: capturing Linux traffic needs network namespaces: %s\n",
                 why.c_str());
    std::fflush(stderr);
    std::_Exit(kSkipExitCode);
  }
  const std::string pcap = "test_host_parse_linux_" + std::to_string(getpid()) + ".pcap";
  std::remove(pcap.c_str());
  const int dumpcap =
      net.start(net.in_a("dumpcap -q -P -i " + net.veth_a() + " -f tcp -w " + pcap), pcap + ".log");
  REQUIRE(wait_for([&] { return read_file(pcap).size() >= 24; }, 10));  // the pcap header

  // Each option set Linux sends, with ECN negotiated (net.ipv4.tcp_ecn=1).
  struct Settings {
    const char* what;
    int timestamps, sack, window_scaling;
  };
  const Settings settings[] = {{"all options", 1, 1, 1},
                               {"no timestamps", 0, 1, 1},
                               {"no SACK", 1, 0, 1},
                               {"no window scaling", 1, 1, 0}};
  int port = 5301;
  for (const Settings& s : settings) {
    INFO(s.what);
    net.sysctl_both("net.ipv4.tcp_ecn=1 net.ipv4.tcp_timestamps=" + std::to_string(s.timestamps) +
                    " net.ipv4.tcp_sack=" + std::to_string(s.sack) +
                    " net.ipv4.tcp_window_scaling=" + std::to_string(s.window_scaling));
    const std::string log = pcap + ".serve" + std::to_string(port);
    const int server = net.start(
        net.in_b("timeout 30 " + kTraffic + " serve " + std::to_string(port) + " 2"), log);
    REQUIRE(wait_for([&] { return read_file(log).find("listening") != std::string::npos; }, 10));
    for (const char* mode : {"talk", "reset"}) {
      const auto r = run_command(net.in_a("timeout 30 " + kTraffic + " " + mode + " " +
                                          NetnsPair::kAddrB + " " + std::to_string(port)) +
                                 " 2>&1");
      INFO(mode << ": " << r.output);
      REQUIRE(r.exit_code == 0);
    }
    REQUIRE(wait_for([&] { return !running(server); }, 10));
    ++port;
  }
  const auto refused = run_command(net.in_a("timeout 30 " + kTraffic + " refused " +
                                            NetnsPair::kAddrB + " " + std::to_string(port)) +
                                   " 2>&1");
  INFO(refused.output);
  REQUIRE(refused.exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last frames reach dumpcap
  run_command("kill -INT " + std::to_string(dumpcap));
  REQUIRE(wait_for([&] { return !running(dumpcap); }, 10));

  const std::vector<Object> tshark = tshark_tcp_frames(pcap);
  // The capture holds what the test is about, as tshark sees it.
  const auto count = [&](auto predicate) {
    int n = 0;
    for (const Object& t : tshark) n += predicate(t) ? 1 : 0;
    return n;
  };
  const auto flags = [](const Object& t) { return number(t.at("tcp.flags")); };
  const auto syn = [&](const Object& t) { return (flags(t) & 0x02) != 0; };
  CHECK(count([&](const Object& t) { return syn(t) && !t.at("tcp.options.timestamp.tsval").empty(); }) >= 6);
  CHECK(count([&](const Object& t) { return syn(t) && t.at("tcp.options.timestamp.tsval").empty(); }) >= 2);
  CHECK(count([&](const Object& t) { return syn(t) && t.at("tcp.options.sack_perm").empty(); }) >= 2);
  CHECK(count([&](const Object& t) { return syn(t) && t.at("tcp.options.wscale.shift").empty(); }) >= 2);
  CHECK(count([&](const Object& t) { return (flags(t) & 0x01) != 0; }) >= 8);   // FIN
  CHECK(count([&](const Object& t) { return (flags(t) & 0x04) != 0; }) >= 5);   // RST
  CHECK(count([&](const Object& t) { return (flags(t) & 0x20) != 0 && number(t.at("tcp.urgent_pointer")) > 0; }) >= 4);
  CHECK(count([&](const Object& t) { return (flags(t) & 0xc0) != 0; }) >= 8);   // ECE, CWR
  CHECK(count([&](const Object& t) { return number(t.at("ip.dsfield.ecn")) != 0; }) >= 8);  // ECT
  const auto data_from = [&](const std::string& port_field) {
    return count([&](const Object& t) {
      return number(t.at("tcp.len")) > 0 && number(t.at(port_field)) >= 5301 &&
             number(t.at(port_field)) <= 5304;
    });
  };
  CHECK(data_from("tcp.srcport") >= 4);  // the server's data
  CHECK(data_from("tcp.dstport") >= 8);  // the client's data and urgent data

  for (const int w : kWidths) {
    INFO("DATA_W " << w);
    const auto r = run_json(pcap, w);
    INFO(read_file(pcap + ".stderr"));
    REQUIRE(r.exit_code == 0);
    const std::map<int, Object> ours = objects_by_frame(r.output);
    CHECK(ours.size() == tshark.size());  // the capture filter kept TCP frames only
    for (const Object& t : tshark) {
      const int frame = int(number(t.at("frame.number")));
      INFO("frame " << frame);
      REQUIRE(ours.count(frame) == 1);
      const Object& o = ours.at(frame);
      CHECK(o.at("malformed") == "NONE");
      CHECK(number(o.at("tcp_src_port")) == number(t.at("tcp.srcport")));
      CHECK(number(o.at("tcp_dst_port")) == number(t.at("tcp.dstport")));
      CHECK(number(o.at("tcp_seq")) == number(t.at("tcp.seq_raw")));
      if (!t.at("tcp.ack_raw").empty()) CHECK(number(o.at("tcp_ack")) == number(t.at("tcp.ack_raw")));
      CHECK(number(o.at("tcp_flags")) == (flags(t) & 0xff));
      CHECK(number(o.at("tcp_window")) == number(t.at("tcp.window_size_value")));
      CHECK(number(o.at("payload_len")) == number(t.at("tcp.len")));
      CHECK(number(o.at("tcp_urgent")) == number(t.at("tcp.urgent_pointer")));
      CHECK(number(o.at("ip_tos")) == number(t.at("ip.dsfield")));
      CHECK((number(o.at("ip_tos")) & 3) == number(t.at("ip.dsfield.ecn")));
      const uint64_t found = number(o.at("opt_found"));
      namespace of = tcpoe::wire::rx_desc::opt_found;
      CHECK(((found & of::kMss) != 0) == !t.at("tcp.options.mss_val").empty());
      if (found & of::kMss) CHECK(number(o.at("opt_mss")) == number(t.at("tcp.options.mss_val")));
      CHECK(((found & of::kWindowScale) != 0) == !t.at("tcp.options.wscale.shift").empty());
      if (found & of::kWindowScale)
        CHECK(number(o.at("opt_window_scale")) == number(t.at("tcp.options.wscale.shift")));
      CHECK(((found & of::kSackPermitted) != 0) == !t.at("tcp.options.sack_perm").empty());
      CHECK(((found & of::kTimestamps) != 0) == !t.at("tcp.options.timestamp.tsval").empty());
      if (found & of::kTimestamps) {
        CHECK(number(o.at("opt_ts_val")) == number(t.at("tcp.options.timestamp.tsval")));
        CHECK(number(o.at("opt_ts_ecr")) == number(t.at("tcp.options.timestamp.tsecr")));
      }
      // tshark: 1 good, 0 bad.
      CHECK(o.at("ip_csum") == (t.at("ip.checksum.status") == "1" ? "ok" : "bad"));
      CHECK(o.at("tcp_csum") == (t.at("tcp.checksum.status") == "1" ? "ok" : "bad"));
    }
  }
  for (const std::string& f : {pcap, pcap + ".log", pcap + ".stderr"}) std::remove(f.c_str());
  for (int p = 5301; p < port; ++p) std::remove((pcap + ".serve" + std::to_string(p)).c_str());
}

TEST_CASE("tcpoe-parse names the Malformed code and the checksum verdicts of scapy's frames",
          "[host][scapy]") {
  const std::string pcap = "test_host_parse_scapy.pcap";
  const auto made = tcpoe::test::run_scapy_oracle("scapy_bad_frames.py " + pcap);
  // What scapy made each frame to be.
  struct Intent {
    std::string code, ip_csum, tcp_csum, what;
  };
  std::vector<Intent> intents;
  std::istringstream lines(made.output);
  std::string line;
  while (std::getline(lines, line)) {
    Intent in;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      const std::size_t eq = word.find('=');
      const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
      if (key == "code") in.code = value;
      if (key == "ip_csum") in.ip_csum = value;
      if (key == "tcp_csum") in.tcp_csum = value;
      if (key == "what") in.what = value;
    }
    intents.push_back(in);
  }
  // Every code is there, and both kinds of wrong checksum.
  for (uint8_t c = 0; c < tcpoe::wire::kMalformedCodeCount; ++c) {
    const std::string name = tcpoe::wire::to_string(tcpoe::wire::Malformed(c));
    INFO(name);
    CHECK(std::count_if(intents.begin(), intents.end(),
                        [&](const Intent& in) { return in.code == name; }) >= 1);
  }
  CHECK(std::count_if(intents.begin(), intents.end(),
                      [](const Intent& in) { return in.ip_csum == "bad"; }) == 1);
  CHECK(std::count_if(intents.begin(), intents.end(),
                      [](const Intent& in) { return in.tcp_csum == "bad"; }) == 1);

  for (const int w : kWidths) {
    INFO("DATA_W " << w);
    const auto r = run_json(pcap, w, "--ready-prob 0.5 --valid-prob 0.7");
    INFO(read_file(pcap + ".stderr"));
    REQUIRE(r.exit_code == 0);
    const std::map<int, Object> ours = objects_by_frame(r.output);
    REQUIRE(ours.size() == intents.size());
    for (std::size_t i = 0; i < intents.size(); ++i) {
      const Intent& in = intents[i];
      const Object& o = ours.at(int(i + 1));
      INFO("frame " << i + 1 << ": " << in.what);
      CHECK(o.at("malformed") == in.code);
      // A verdict the frame's form allowed is scapy's; a well-formed frame
      // has both judged.
      const auto judged = [](const std::string& verdict, const std::string& intent) {
        return verdict == "unchecked" || verdict == (intent == "good" ? "ok" : "bad");
      };
      CHECK(judged(o.at("ip_csum"), in.ip_csum));
      CHECK(judged(o.at("tcp_csum"), in.tcp_csum));
      if (in.code == "NONE") {
        CHECK(o.at("ip_csum") == (in.ip_csum == "good" ? "ok" : "bad"));
        CHECK(o.at("tcp_csum") == (in.tcp_csum == "good" ? "ok" : "bad"));
      }
    }
  }
  // The text form names the codes too.
  const auto text = run_command(kCli + " --pcap " + pcap + " 2>/dev/null");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.output, Catch::Contains("MALFORMED TCP_OPTION"));
  CHECK_THAT(text.output, Catch::Contains("ip-csum bad tcp-csum ok"));
  CHECK_THAT(text.output, Catch::Contains("ip-csum ok tcp-csum bad"));
  std::remove((pcap + ".stderr").c_str());
}

TEST_CASE("tcpoe-parse refuses bad arguments and bad files with a message and exit 2",
          "[host][bad-input]") {
  const std::string dir = "test_host_parse_files_" + std::to_string(getpid());
  REQUIRE(run_command("mkdir -p " + dir).exit_code == 0);
  std::ofstream(dir + "/garbage.pcap") << "this is not a capture";
  const std::vector<uint8_t> frame(60, 0);
  write_pcap(dir + "/empty.pcap", 1, {});
  write_pcap(dir + "/raw_ip.pcap", 101, {frame});
  write_pcap(dir + "/good.pcap", 1, {frame, frame});
  const std::string good = read_file(dir + "/good.pcap");
  std::ofstream(dir + "/truncated.pcap", std::ios::binary) << good.substr(0, good.size() - 10);
  write_pcap(dir + "/jumbo.pcap", 1, {frame, std::vector<uint8_t>(140000, 0)});
  write_pcap(dir + "/zero.pcap", 1, {frame, {}});

  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"", "--pcap FILE is required"},
      {"--pcap", "--pcap needs a value"},
      {"--frobnicate", "unknown argument '--frobnicate'"},
      {"--pcap " + dir + "/good.pcap --data-width 48", "--data-width must be 64, 128, 256 or 512"},
      {"--pcap " + dir + "/good.pcap --data-width x", "--data-width wants a whole number"},
      {"--pcap " + dir + "/good.pcap --ready-prob 0", "--ready-prob wants a probability in (0, 1]"},
      {"--pcap " + dir + "/missing.pcap", "cannot read " + dir + "/missing.pcap"},
      {"--pcap " + dir + "/garbage.pcap", "cannot read " + dir + "/garbage.pcap"},
      {"--pcap " + dir + "/empty.pcap", "empty.pcap holds no frames"},
      {"--pcap " + dir + "/raw_ip.pcap", "raw_ip.pcap is not an Ethernet capture (link type RAW)"},
      {"--pcap " + dir + "/truncated.pcap", "truncated"},
      {"--pcap " + dir + "/jumbo.pcap",
       "jumbo.pcap: frame 2 is 140000 octets, longer than the parser counts (131071)"},
      {"--pcap " + dir + "/zero.pcap", "zero.pcap: frame 2 has no octets"},
  };
  for (const auto& c : cases) {
    INFO("tcpoe-parse " << c.args);
    const auto r = run_command(kCli + " " + c.args + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(c.message));
  }
  // The good file runs, and --help answers with exit 0.
  const auto ok = run_command(kCli + " --pcap " + dir + "/good.pcap --check 2>&1");
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.output, Catch::Contains("MALFORMED NOT_IPV4"));
  CHECK_THAT(ok.output, Catch::Contains("every descriptor equals parse_frame's"));
  CHECK(run_command(kCli + " --help").exit_code == 0);
  run_command("rm -rf " + dir);
}

TEST_CASE("tcpoe-parse says which frames the capture cut, writes a waveform, runs without the model",
          "[host]") {
  const std::string dir = "test_host_parse_run_" + std::to_string(getpid());
  REQUIRE(run_command("mkdir -p " + dir).exit_code == 0);
  write_pcap(dir + "/cut.pcap", 1, {std::vector<uint8_t>(60, 0)}, 1454);
  const auto text = run_command(kCli + " --pcap " + dir + "/cut.pcap --trace " + dir +
                                "/parser.fst --no-lockstep 2>&1");
  INFO(text.output);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.output, Catch::Contains("(captured 60 of 1514 octets)"));
  CHECK_THAT(text.output, Catch::Contains("RTL alone (no lockstep)"));
  CHECK(read_file(dir + "/parser.fst").size() > 100);
  const auto json = run_command(kCli + " --pcap " + dir + "/cut.pcap --json 2>/dev/null");
  const Object o = objects_by_frame(json.output).at(1);
  CHECK(o.at("captured_len") == "60");
  CHECK(o.at("wire_len") == "1514");
  run_command("rm -rf " + dir);
}

TEST_CASE("tcpoe-parse --check's comparison names the field that differs, for every field", "[host]") {
  namespace w = tcpoe::wire;
  w::RxDescriptor a;
  a.ip_src = 0xc0000201;
  a.tcp_flags = w::tcp::flag::kSyn;
  a.malformed = w::Malformed::kTcpOption;
  CHECK(tcpoe::cli::check_difference(7, a, a).empty());

  // Change the k-th field of a copy, for each k: the message names it.
  std::vector<std::string> names;
  w::for_each_field([&](const char* name, const auto&) { names.emplace_back(name); }, a);
  REQUIRE(names.size() >= 30);
  for (std::size_t k = 0; k < names.size(); ++k) {
    w::RxDescriptor b = a;
    std::size_t index = 0;
    w::for_each_field(
        [&](const char*, auto& field) {
          if (index++ != k) return;
          using T = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<T, bool>) field = !field;
          else if constexpr (std::is_same_v<T, w::Malformed>) field = w::Malformed::kNotTcp;
          else if constexpr (std::is_same_v<T, std::array<uint8_t, 6>>) field[5] ^= 1;
          else field = T(field ^ 1);
        },
        b);
    INFO(names[k]);
    const char* differing = w::first_difference(a, b);
    REQUIRE(differing != nullptr);
    CHECK(differing == names[k]);
    const std::string message = tcpoe::cli::check_difference(7, b, a);
    CHECK_THAT(message, Catch::StartsWith("frame 7: " + names[k] + " differs (parser "));
    CHECK_THAT(message, Catch::Contains(", parse_frame "));
  }
  // And the fields visited cover the whole record: a flip of any of its 512
  // bits shows in some field.
  const w::RxDescriptorBytes record = w::pack(a);
  for (std::size_t bit = 0; bit < 8 * record.size(); ++bit) {
    w::RxDescriptorBytes flipped = record;
    flipped[bit / 8] ^= uint8_t(1u << (bit % 8));
    INFO("record bit " << bit);
    CHECK(w::first_difference(a, w::unpack_rx_descriptor(flipped)) != nullptr);
  }
  w::RxDescriptor b = a;
  b.malformed = w::Malformed::kNotTcp;
  CHECK(tcpoe::cli::check_difference(3, b, a) ==
        "frame 3: malformed differs (parser \"NOT_TCP\", parse_frame \"TCP_OPTION\")");
}
