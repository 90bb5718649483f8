// The DMA engine's command checker and burst cutter, shared by its read and
// write masters. A command (host address, length in octets) is fine when the
// length is 1..MAX_LEN and the address is aligned to DATA_W/8 octets (any
// address with ANY_ADDR: the read master, which reads from the address
// rounded down to the beat); `ok` and `beats` (the full beats its octets
// touch) say so, combinationally, for the command on the inputs. Loaded (`load`, fine commands only), it is cut into INCR
// bursts of at most MAX_BURST beats, none crossing a 4 KB boundary, each the
// longest the rules allow: `busy` while bursts are left, the next one on
// addr/len (AXI's AxADDR/AxLEN) and `last` for the command's last; `take`
// (the address handshake) moves to the next.
module tcpoe_dma_bursts #(
  parameter int DATA_W    = 64,
  parameter int MAX_LEN   = 9216 + 64,
  parameter int MAX_BURST = 64,
  parameter bit ANY_ADDR  = 1'b0
) (
  input  logic                              clk,
  input  logic                              rst,  // synchronous, active high
  input  logic [tcpoe_dev_pkg::ADDR_W-1:0]  cmd_addr,
  input  logic [$clog2(MAX_LEN + 1)-1:0]    cmd_len,
  output logic                              ok,
  output logic [$clog2(MAX_LEN + 1)-1:0]    beats,
  input  logic                              load,
  output logic                              busy,
  output logic [tcpoe_dev_pkg::ADDR_W-1:0]  addr,
  output logic [7:0]                        len,
  output logic                              last,
  input  logic                              take
);
  localparam int BYTES   = DATA_W / 8;
  localparam int LANE_W  = $clog2(BYTES);
  localparam int LEN_W   = $clog2(MAX_LEN + 1);
  localparam int BEATS_W = LEN_W;   // a command's beats, never more than its octets
  localparam int PAGE_W  = 13;      // 0..4096: octets and beats to the next 4 KB boundary
  localparam int CMP_W   = BEATS_W > PAGE_W ? BEATS_W : PAGE_W;  // holds MAX_BURST too

  logic                             busy_q;
  logic [tcpoe_dev_pkg::ADDR_W-1:0] addr_q;
  logic [BEATS_W-1:0]               left_q;  // beats not yet in a burst
  logic [PAGE_W-1:0]                beats_to_page;
  logic [BEATS_W-1:0]               burst;

  always_comb begin
    ok = (ANY_ADDR || cmd_addr[LANE_W-1:0] == '0) && cmd_len != '0 && cmd_len <= LEN_W'(MAX_LEN);
    beats = BEATS_W'(({1'b0, cmd_len} + (LEN_W + 1)'(cmd_addr[LANE_W-1:0]) +
                      (LEN_W + 1)'(BYTES - 1)) >> LANE_W);
  end

  // The next burst: what is left, up to MAX_BURST and the 4 KB boundary.
  always_comb begin
    beats_to_page = (PAGE_W'(4096) - PAGE_W'(addr_q[11:0])) >> LANE_W;
    burst = left_q;
    if (CMP_W'(burst) > CMP_W'(MAX_BURST)) burst = BEATS_W'(MAX_BURST);
    if (CMP_W'(beats_to_page) < CMP_W'(burst)) burst = BEATS_W'(beats_to_page);
  end

  assign busy = busy_q;
  assign addr = addr_q;
  assign len  = 8'(burst - BEATS_W'(1));
  assign last = left_q == burst;

  always_ff @(posedge clk) begin
    if (rst) begin
      busy_q <= 1'b0;
      addr_q <= '0;
      left_q <= '0;
    end else if (load) begin
      busy_q <= 1'b1;
      addr_q <= {cmd_addr[tcpoe_dev_pkg::ADDR_W-1:LANE_W], LANE_W'(0)};
      left_q <= beats;
    end else if (take) begin
      busy_q <= !last;
      addr_q <= addr_q + tcpoe_dev_pkg::ADDR_W'({burst, LANE_W'(0)});
      left_q <= left_q - burst;
    end
  end

  if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin : g_bad_width
    $error("tcpoe_dma_bursts: DATA_W must be 64, 128, 256 or 512");
  end
  if (MAX_BURST < 1 || MAX_BURST > 256) begin : g_bad_burst
    $error("tcpoe_dma_bursts: MAX_BURST must be 1..256");
  end

endmodule
