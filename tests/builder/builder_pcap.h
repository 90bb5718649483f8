// The builder's frames as a libpcap capture for tshark, shared by the
// builder's tshark tests.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "pcap_writer.h"

namespace tcpoe::test {

// A fresh file /tmp/tcpoe-<stem>-XXXXXX; the caller removes it.
inline std::string temp_path(const char* stem) {
  char tmpl[64];
  std::snprintf(tmpl, sizeof tmpl, "/tmp/tcpoe-%s-XXXXXX", stem);
  const int fd = mkstemp(tmpl);
  if (fd >= 0) ::close(fd);
  return tmpl;
}

// Writes `frames` to a temporary libpcap file stamped with their cycles
// (3.103 ns clock) and returns its path. Runs at different widths restart
// at cycle 0, so the stamps are shifted to keep time increasing.
inline std::string write_builder_pcap(const std::vector<std::vector<uint8_t>>& frames,
                                      const std::vector<uint64_t>& cycles) {
  const std::string path = temp_path("builder-pcap");
  tcpoe::sim::PcapWriter pcap(path);
  if (!pcap.ok()) throw std::runtime_error("pcap: " + pcap.error());
  uint64_t offset = 0, last = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i > 0 && cycles[i] + offset <= last) offset = last + 1 - cycles[i];
    last = cycles[i] + offset;
    pcap.write(frames[i], tcpoe::sim::PcapWriter::cycle_time_ns(last, 3103));
  }
  if (pcap.frames_written() != frames.size()) throw std::runtime_error("pcap: frames lost");
  return path;
}

}  // namespace tcpoe::test
