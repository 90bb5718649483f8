// DMA benchmark of the PCIe link model (docs/pcie-model.md): for DMA writes
// and reads of 64..4096 octets, through the SystemC model,
//   - gbps: payload throughput of back-to-back transfers, with enough
//     requesters (threads) outstanding to fill the link;
//   - latency_ns: median of lone transfers on an idle link (a read: request
//     to last completion; a write: until its last octet is in host memory).
// `--csv` prints exactly `op,size_bytes,gbps,latency_ns` and one row per op
// and size; without it, a Markdown table with the protocol's limit beside
// each row. Link settings: see --help.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tcpoe/pcie/pcie_model.h"

namespace {

using tcpoe::pcie::LinkConfig;
using tcpoe::pcie::PcieModel;

constexpr unsigned kSizes[] = {64, 128, 256, 512, 1024, 1500, 2048, 4096};
constexpr double kThroughputBytes = 1.5e6;  // per run: ~200 us of a Gen3 x8 link
constexpr unsigned kLoneTransfers = 9;
constexpr std::size_t kPages = 256;         // transfers rotate over 1 MiB, one page each
// The Extended Tag Field's 256 tags: enough reads in flight to fill the link
// at every size (32 tags bound 64-octet reads; --tags 32 shows by how much).
constexpr unsigned kBenchTags = 256;

struct Row {
  const char* op;
  unsigned size;
  double gbps;
  double latency_ns;
  double limit_gbps;
  double tlps_to_host, tlps_to_device;  // per transfer, from the model's counters
};

// The device's side: answers nothing but must be bound.
struct IdleBar : sc_core::sc_module {
  tlm_utils::simple_target_socket<IdleBar> socket{"socket"};
  explicit IdleBar(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    socket.register_b_transport(this, &IdleBar::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Bench : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Bench> dma{"dma"};
  PcieModel& pcie;
  std::uint64_t base = 0;
  std::vector<Row> rows;

  Bench(sc_core::sc_module_name name, PcieModel& model) : sc_core::sc_module(name), pcie(model) {
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run);
  }

  void transfer(tlm::tlm_command command, std::uint64_t address, std::vector<std::uint8_t>& data,
                unsigned size) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(data.data());
    trans.set_data_length(size);
    trans.set_streaming_width(size);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    dma->b_transport(trans, delay);
    if (!trans.is_response_ok()) throw std::runtime_error("bench_dma: a DMA transfer failed");
  }

  // Transfers outstanding in a throughput run: twice the link's
  // bandwidth-delay product (a read's round trip), at least 8.
  unsigned requesters(unsigned size) const {
    const double round_trip_ns = pcie.config().host_read_latency_ns + 1000.0;
    const double in_flight = 2.0 * pcie.config().tlp_gbps() * round_trip_ns / (8.0 * size);
    return unsigned(std::clamp(std::ceil(in_flight), 8.0, 4096.0));
  }

  struct Throughput {
    double gbps, tlps_to_host, tlps_to_device;
  };

  Throughput throughput(tlm::tlm_command command, unsigned size) {
    const tcpoe::pcie::Counters before = pcie.counters();
    const std::size_t count = std::max<std::size_t>(400, std::size_t(kThroughputBytes / size));
    std::size_t next = 0;
    const unsigned threads = requesters(size);
    unsigned running = threads;
    std::vector<double> done_ns;
    sc_core::sc_event all_done;
    for (unsigned r = 0; r < threads; ++r) {
      sc_core::sc_spawn([&, size, command]() {
        std::vector<std::uint8_t> data(size);
        while (next < count) {
          const std::size_t i = next++;
          transfer(command, base + (i % kPages) * tcpoe::pcie::HostMemory::kPage, data, size);
          done_ns.push_back(sc_core::sc_time_stamp().to_seconds() * 1e9);
        }
        if (--running == 0) all_done.notify();
      });
    }
    wait(all_done);
    // Steady state: leave out the first tenth (the pipeline filling up).
    const std::size_t skip = count / 10;
    const tcpoe::pcie::Counters& after = pcie.counters();
    return {double(count - skip) * size * 8 / (done_ns.back() - done_ns[skip - 1]),
            double(after.tlps_to_host - before.tlps_to_host) / double(count),
            double(after.tlps_to_device - before.tlps_to_device) / double(count)};
  }

  double lone_latency_ns(tlm::tlm_command command, unsigned size) {
    std::vector<double> latencies;
    std::vector<std::uint8_t> data(size);
    for (unsigned i = 0; i < kLoneTransfers; ++i) {
      wait(sc_core::sc_time(2, sc_core::SC_US));  // the link idles
      const sc_core::sc_time start = sc_core::sc_time_stamp();
      transfer(command, base + i * tcpoe::pcie::HostMemory::kPage, data, size);
      latencies.push_back((sc_core::sc_time_stamp() - start).to_seconds() * 1e9);
    }
    std::nth_element(latencies.begin(), latencies.begin() + kLoneTransfers / 2, latencies.end());
    return latencies[kLoneTransfers / 2];
  }

  void run() {
    base = pcie.dma_map(pcie.dma_alloc(kPages * tcpoe::pcie::HostMemory::kPage));
    for (const auto& [op, command] : {std::pair{"write", tlm::TLM_WRITE_COMMAND},
                                      std::pair{"read", tlm::TLM_READ_COMMAND}}) {
      for (unsigned size : kSizes) {
        const Throughput t = throughput(command, size);
        const double latency = lone_latency_ns(command, size);
        const double limit = command == tlm::TLM_WRITE_COMMAND
                                 ? tcpoe::pcie::write_limit_gbps(pcie.config(), size)
                                 : tcpoe::pcie::read_limit_gbps(pcie.config(), size);
        rows.push_back({op, size, t.gbps, latency, limit, t.tlps_to_host, t.tlps_to_device});
      }
    }
    sc_core::sc_stop();
  }
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: bench_dma [--csv] [--gen 1..5] [--lanes N] [--mps N] [--mrrs N] [--rcb 64|128]\n"
               "                 [--tags 1..256] [--address-bits 32|64] [--host-latency-ns NS]\n"
               "DMA write and read throughput and latency through the SystemC PCIe model.\n"
               "Defaults: Gen3 x8, MPS 256, MRRS 512, RCB 64, 64-bit addresses, 256 tags,\n"
               "host read latency 535 ns (a lone 64-octet read: 550 ns).\n");
}

// A whole-string unsigned number, or an error naming the option.
double number(const std::string& option, const char* text) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(v) || v < 0)
    throw std::invalid_argument(option + " needs a non-negative number, not '" + text + "'");
  return v;
}

unsigned whole(const std::string& option, const char* text) {
  const double v = number(option, text);
  if (v != std::floor(v) || v > 1e9)
    throw std::invalid_argument(option + " needs a whole number, not '" + text + "'");
  return unsigned(v);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  LinkConfig cfg;
  cfg.tags = kBenchTags;
  bool csv = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--csv") { csv = true; continue; }
      if (arg == "--help" || arg == "-h") { usage(stdout); return 0; }
      if (i + 1 >= argc) throw std::invalid_argument("unknown option or missing value: " + arg);
      const char* value = argv[++i];
      if (arg == "--gen") cfg.generation = whole(arg, value);
      else if (arg == "--lanes") cfg.lanes = whole(arg, value);
      else if (arg == "--mps") cfg.max_payload = whole(arg, value);
      else if (arg == "--mrrs") cfg.max_read_request = whole(arg, value);
      else if (arg == "--rcb") cfg.read_completion_boundary = whole(arg, value);
      else if (arg == "--tags") cfg.tags = whole(arg, value);
      else if (arg == "--address-bits") cfg.address_bits = whole(arg, value);
      else if (arg == "--host-latency-ns") cfg.host_read_latency_ns = number(arg, value);
      else throw std::invalid_argument("unknown option: " + arg);
    }
    cfg.validate();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "bench_dma: %s\n", e.what());
    usage(stderr);
    return 2;
  }

  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  PcieModel pcie("pcie", cfg);
  IdleBar bar("bar");
  Bench bench("bench", pcie);
  pcie.bar_initiator.bind(bar.socket);
  bench.dma.bind(pcie.dma_target);
  sc_core::sc_start();

  if (csv) {
    std::printf("op,size_bytes,gbps,latency_ns\n");
    for (const Row& r : bench.rows)
      std::printf("%s,%u,%.2f,%.1f\n", r.op, r.size, r.gbps, r.latency_ns);
    return 0;
  }
  std::printf("Gen%u x%u, MPS %u, MRRS %u, RCB %u, %u-bit addresses, %u tags, host read latency %.0f ns:"
              " %.2f Gb/s raw, %.2f Gb/s for TLPs\n\n",
              cfg.generation, cfg.lanes, cfg.max_payload, cfg.max_read_request,
              cfg.read_completion_boundary, cfg.address_bits, cfg.tags, cfg.host_read_latency_ns,
              cfg.raw_gbps(), cfg.tlp_gbps());
  std::printf("| op | size (B) | Gb/s | protocol limit (Gb/s) | measured/limit | latency (ns)"
              " | TLPs up/down per transfer |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : bench.rows)
    std::printf("| %s | %u | %.2f | %.2f | %.3f | %.1f | %g / %g |\n", r.op, r.size, r.gbps,
                r.limit_gbps, r.gbps / r.limit_gbps, r.latency_ns, r.tlps_to_host, r.tlps_to_device);
  return 0;
}
