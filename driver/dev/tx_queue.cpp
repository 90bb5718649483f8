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
      handback_(host, Ring::kTxCompl, writeback),
      held_(std::size_t(1) << log2) {}

void TxQueue::program() {
  program_ring(host_, Ring::kTxDesc, descriptors_, log2_, writeback_.address(Ring::kTxDesc));
  program_ring(host_, Ring::kTxCompl, completions_, log2_, writeback_.address(Ring::kTxCompl));
}

bool TxQueue::post(wire::TxDescriptor d, wire::ByteSpan first, wire::ByteSpan second) {
  return post_entry(d, first, second, nullptr, 0);
}

bool TxQueue::post(const wire::TxDescriptor& d, std::initializer_list<PayloadRef> payload) {
  return post_entry(d, {}, {}, payload.begin(), payload.size());
}

bool TxQueue::post_entry(wire::TxDescriptor d, wire::ByteSpan copied_first, wire::ByteSpan copied_second,
                         const PayloadRef* referenced, std::size_t referenced_count) {
  if (referenced_count > regs::tx_ring::kMaxParts - 1)
    throw std::invalid_argument("TxQueue::post: " + std::to_string(referenced_count) +
                                " parts by reference, at most " +
                                std::to_string(regs::tx_ring::kMaxParts - 1) + " follow the slot");
  // SACK blocks go at the head of the payload packet (the builder counts
  // them in the data offset: kStreamOptLen).
  std::array<std::uint8_t, wire::sack_option_len(wire::SackBlocks::kMax)> options{};
  const std::size_t options_len =
      wire::emit_sack_option(d.sack, wire::MutableByteSpan(options.data(), options.size()));
  const std::size_t in_slot = options_len + copied_first.size() + copied_second.size();
  if (in_slot > slot_bytes_)
    throw std::invalid_argument("TxQueue::post: a payload of " + std::to_string(in_slot) +
                                " octets does not fit a slot of " + std::to_string(slot_bytes_));
  std::size_t length = in_slot;
  for (std::size_t k = 0; k < referenced_count; ++k) length += referenced[k].length;
  if (length > 0xffff)
    throw std::invalid_argument("TxQueue::post: a payload of " + std::to_string(length) + " octets");
  if (in_flight() >= capacity()) return false;
  const std::uint16_t slot = ring_slot(produced_, log2_);
  const std::size_t slot_offset = std::size_t(slot) * slot_bytes_;
  std::size_t at = slot_offset;
  for (const wire::ByteSpan piece : {wire::ByteSpan(options.data(), options_len), copied_first, copied_second}) {
    if (!piece.empty()) slots_.write(at, piece.data(), piece.size());
    at += piece.size();
  }
  d.stream_opt_len = std::uint8_t(options_len);
  d.payload_len = std::uint16_t(length - options_len);  // the payload proper (pack() adds the options)
  // The gather list: the slot, then the payload's parts where they lie.
  std::array<regs::tx_ring::Part, regs::tx_ring::kMaxParts> parts{};
  parts[0] = {slots_.device_address() + slot_offset, std::uint16_t(in_slot)};
  std::vector<std::shared_ptr<const void>>& held = held_[slot];
  held.clear();
  for (std::size_t k = 0; k < referenced_count; ++k) {
    parts[k + 1] = {referenced[k].device_address, referenced[k].length};
    if (referenced[k].keep) held.push_back(referenced[k].keep);
  }
  const regs::tx_ring::EntryBytes entry = regs::tx_ring::entry(d, parts.data(), 1 + referenced_count);
  descriptors_.write(std::size_t(slot) * entry.size(), entry.data(), entry.size());
  ++produced_;
  return true;
}

std::size_t TxQueue::references_held() const {
  std::size_t n = 0;
  for (const auto& h : held_) n += h.size();
  return n;
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
    held_[ring_slot(completed_, log2_)].clear();  // the device has read the entry's parts
    ++completed_;
  }
  handback_.hand_back(completed_);
  return out;
}

}  // namespace tcpoe::driver::dev
