#include "pcap_writer.h"

#include <pcap/pcap.h>

#include <algorithm>

namespace tcpoe::sim {

PcapWriter::PcapWriter(const std::string& path) {
  dead_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLen, PCAP_TSTAMP_PRECISION_NANO);
  if (dead_ == nullptr) {
    error_ = "pcap_open_dead failed";
    return;
  }
  dumper_ = pcap_dump_open(dead_, path.c_str());
  if (dumper_ == nullptr) {
    error_ = path + ": " + pcap_geterr(dead_);
    pcap_close(dead_);
    dead_ = nullptr;
  }
}

PcapWriter::~PcapWriter() { close(); }

void PcapWriter::write(const uint8_t* frame, std::size_t len, uint64_t time_ns) {
  if (dumper_ == nullptr) return;
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(time_ns / 1000000000u);
  // With a nanosecond-precision handle libpcap stores tv_usec as nanoseconds.
  header.ts.tv_usec = static_cast<suseconds_t>(time_ns % 1000000000u);
  header.len = static_cast<bpf_u_int32>(len);
  header.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(len, kSnapLen));
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame);
  ++frames_;
}

void PcapWriter::flush() {
  if (dumper_ != nullptr) pcap_dump_flush(dumper_);
}

void PcapWriter::close() {
  if (dumper_ != nullptr) pcap_dump_close(dumper_);
  if (dead_ != nullptr) pcap_close(dead_);
  dumper_ = nullptr;
  dead_ = nullptr;
}

}  // namespace tcpoe::sim
