#include "tcpoe/driver/dev/tx_queue.h"

#include <array>
#include <stdexcept>

#include "tcpoe/wire/device_regs.h"

namespace tcpoe::driver::dev {

namespace regs = wire::dev;

TxQueue::TxQueue(pcie::HostInterface& host, std::uint8_t log2, std::uint32_t slot_bytes,
                 const IndexWriteback& writeback)
    : host_(host),
      log2_(log2),
      slot_bytes_(slot_bytes),
      writeback_(writeback),
      descriptors_(host, std::size_t(regs::tx_ring::kEntrySize) << log2),
      completions_(host, std::size_t(regs::tx_compl::kEntrySize) << log2),
      slots_(host, std::size_t(slot_bytes) << log2),
      handback_(host, Ring::kTxCompl, writeback) {}

void TxQueue::program() {
  program_ring(host_, Ring::kTxDesc, descriptors_, log2_, writeback_.address(Ring::kTxDesc));
  program_ring(host_, Ring::kTxCompl, completions_, log2_, writeback_.address(Ring::kTxCompl));
}

bool TxQueue::post(wire::TxDescriptor d, wire::ByteSpan first, wire::ByteSpan second) {
  // SACK blocks go at the head of the payload packet (the builder counts
  // them in the data offset: kStreamOptLen).
  std::array<std::uint8_t, wire::sack_option_len(wire::SackBlocks::kMax)> options{};
  const std::size_t options_len =
      wire::emit_sack_option(d.sack, wire::MutableByteSpan(options.data(), options.size()));
  const std::size_t length = first.size() + second.size();
  if (options_len + length > slot_bytes_)
    throw std::invalid_argument("TxQueue::post: a payload of " + std::to_string(options_len + length) +
                                " octets does not fit a slot of " + std::to_string(slot_bytes_));
  if (in_flight() >= capacity()) return false;
  const std::uint16_t slot = ring_slot(produced_, log2_);
  std::size_t at = std::size_t(slot) * slot_bytes_;
  for (const wire::ByteSpan piece : {wire::ByteSpan(options.data(), options_len), first, second}) {
    if (!piece.empty()) slots_.write(at, piece.data(), piece.size());
    at += piece.size();
  }
  const std::size_t slot_offset = std::size_t(slot) * slot_bytes_;
  d.stream_opt_len = std::uint8_t(options_len);
  d.payload_len = std::uint16_t(length);
  // The gather list: the slot, one part.
  const regs::tx_ring::EntryBytes entry =
      regs::tx_ring::entry(d, {{slots_.device_address() + slot_offset, std::uint16_t(options_len + length)}});
  descriptors_.write(std::size_t(slot) * entry.size(), entry.data(), entry.size());
  ++produced_;
  return true;
}

void TxQueue::doorbell() {
  if (announced_ == produced_) return;
  host_.mmio_write32(regs::ring_offset(Ring::kTxDesc, regs::ring_reg::kProdHost), produced_);
  announced_ = produced_;
  ++doorbells_;
}

std::vector<TxCompletion> TxQueue::reap(std::size_t max) {
  std::vector<TxCompletion> out;
  constexpr std::size_t kEntry = regs::tx_compl::kEntrySize;
  while (out.size() < max && completed_ != announced_) {
    const wire::ByteSpan e = completions_.view(std::size_t(ring_slot(completed_, log2_)) * kEntry, kEntry);
    if ((e[regs::tx_compl::kFlags.offset] & regs::compl_flag::kPhase) != expected_phase(completed_, log2_))
      break;
    TxCompletion c;
    c.desc_index = std::uint16_t(wire::get_field(e.data(), regs::tx_compl::kDescIndex));
    c.status = regs::ComplStatus(e[regs::tx_compl::kStatus.offset]);
    c.timestamp = get_be64(e.data() + regs::tx_compl::kTimestamp.offset);
    out.push_back(c);
    ++completed_;
  }
  handback_.hand_back(completed_);
  return out;
}

}  // namespace tcpoe::driver::dev
