// Writes Ethernet frames to a libpcap capture file, stamped with simulated
// time, so that Wireshark/tshark can judge what the simulated hardware sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

namespace tcpoe::sim {

class PcapWriter {
 public:
  // Frames longer than this are cut in the file (their original length kept).
  static constexpr int kSnapLen = 65535;

  // Creates (truncates) `path`. The file uses nanosecond timestamps, since a
  // clock period of a few ns is below the microsecond of classic pcap.
  explicit PcapWriter(const std::string& path);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  bool ok() const { return dumper_ != nullptr; }
  std::string error() const { return error_; }

  // One Ethernet frame, destination MAC to last payload octet, no FCS.
  // `time_ns` is simulated time since the start of the simulation.
  void write(const uint8_t* frame, std::size_t len, uint64_t time_ns);
  void write(const std::vector<uint8_t>& frame, uint64_t time_ns) {
    write(frame.data(), frame.size(), time_ns);
  }

  // Pushes buffered records to the file so a reader sees them before close.
  void flush();
  // Finishes the file; the destructor does it too.
  void close();

  std::size_t frames_written() const { return frames_; }

  // Simulated time of clock edge `cycle` with a period of `period_ps`
  // picoseconds (integer, so e.g. 322.265625 MHz = 3103 ps stays exact
  // enough and no floating point drifts over long runs).
  static constexpr uint64_t cycle_time_ns(uint64_t cycle, uint64_t period_ps) {
    return cycle * period_ps / 1000;
  }

 private:
  pcap_t* dead_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::string error_;
  std::size_t frames_ = 0;
};

}  // namespace tcpoe::sim
