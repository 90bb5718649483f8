// Reading a capture the way every command-line program does: the frames of
// an Ethernet pcap file, or a clear message and exit 2 when the file cannot
// be read, holds another link type, or ends in the middle of a record.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace tcpoe::cli {

struct CapturedFrame {
  std::vector<uint8_t> octets;  // what the capture kept
  timeval time;
  uint32_t wire_len;  // on the wire; more than octets.size() when the capture cut it
};

inline std::vector<CapturedFrame> read_ethernet_capture(const char* program,
                                                        const std::string& path) {
  const auto fail = [program](const std::string& msg) {
    std::fprintf(stderr, "%s: %s\n", program, msg.c_str());
    std::exit(2);
  };
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(path.c_str(), err);
  if (pcap == nullptr) fail("cannot read " + path + ": " + err);
  if (pcap_datalink(pcap) != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(pcap_datalink(pcap));
    const std::string link = name ? name : std::to_string(pcap_datalink(pcap));
    pcap_close(pcap);
    fail(path + " is not an Ethernet capture (link type " + link + ")");
  }
  std::vector<CapturedFrame> frames;
  pcap_pkthdr* hdr;
  const u_char* data;
  int rc;
  while ((rc = pcap_next_ex(pcap, &hdr, &data)) == 1)
    frames.push_back({std::vector<uint8_t>(data, data + hdr->caplen), hdr->ts, hdr->len});
  if (rc == PCAP_ERROR) {
    const std::string why = pcap_geterr(pcap);
    pcap_close(pcap);
    fail(path + ": " + why + " (after " + std::to_string(frames.size()) + " frames)");
  }
  pcap_close(pcap);
  return frames;
}

}  // namespace tcpoe::cli
