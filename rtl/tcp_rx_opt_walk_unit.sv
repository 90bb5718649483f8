// One walk unit of the receive parser's option walk (rtl/tcp_rx_parser.sv):
// it takes a frame from the unit before it (unit 0: from the decode) and
// walks WINDOWS_PER_UNIT consecutive windows of its option area, one a
// cycle, windows UNIT*WINDOWS_PER_UNIT on; then it hands the frame's walk
// state on (`state.fin`) to the next unit or, the last unit, to the
// parser's last stage. Its registers, `state`, are struct Unit of the C++
// reference (hls/parser/tcp_rx_parser.h: u[UNIT] there, field for field) and
// this is the walk-unit part of TcpRxParser::step() and walk_window().
//
// Position p of the option area is octet 54 + p; the area is L = 4 x data
// offset - 20 octets long. A window walks its POS_PER_WINDOW positions with
// nr, where the next option starts relative to the window: an option starts
// at position i of window j (p = POS_PER_WINDOW*j + i) when nr = i. There, a
// position at or past L ends the walk (bad if past L: the option before ran
// past the header), EOL stops it, NOP moves the start to the next position
// and an option of length 2..63 that many on (below 64 positions past the
// window, or it ran past the header); length 0 or 1, and MSS, window scale,
// SACK-permitted or timestamps with another length, are bad and stop the
// walk. After the last window, a start past L is bad. What starts inside
// the area is recorded, the last MSS, window scale and timestamps found
// winning as in parse_tcp_options(): the MSS and window scale values
// (octets 2.. of the option, which the window's octets reach), the
// timestamps option's position; unknown kinds are counted.
//
// A window's octets come from `hdr_opt` (the option octets of the parser's
// `hdr` this cycle) for windows before FIRST_COPIED_WINDOW, which the next
// frame has not yet overwritten when they are walked; later windows read the
// copies in `opt`, taken when the frame comes to the unit.
module tcp_rx_opt_walk_unit #(
  parameter int UNIT                = 0,  // walks windows UNIT*WINDOWS_PER_UNIT on
  parameter int WINDOWS_PER_UNIT    = 6,
  parameter int FIRST_COPIED_WINDOW = 6
) (
  input  logic                      clk,
  input  logic                      rst,      // synchronous, active high
  input  logic [8*tcp_rx_opt_walk_pkg::OPT_OCTETS-1:0] hdr_opt,
  // The unit before: a frame comes when its `fin` is set. For unit 0, the
  // decode: fin = the frame needs the walk; stop, nr and the findings clear;
  // doff the frame's; opt = hdr_opt.
  input  tcp_rx_opt_walk_pkg::unit_t prev,
  output tcp_rx_opt_walk_pkg::unit_t state
);

  localparam int OPT            = tcp_rx_opt_walk_pkg::OPT_OCTETS;
  localparam int POS_PER_WINDOW = tcp_rx_opt_walk_pkg::POS_PER_WINDOW;
  localparam int WINDOWS        = tcp_rx_opt_walk_pkg::WINDOWS;
  localparam int WINDOW_OCTETS  = tcp_rx_opt_walk_pkg::WINDOW_OCTETS;
  localparam int OPT_VALUE_OFF  = tcp_rx_opt_walk_pkg::OPT_VALUE_OFF;
  localparam int POS_W          = tcp_rx_opt_walk_pkg::POS_W;
  localparam int UNK_W          = tcp_rx_opt_walk_pkg::UNK_W;
  localparam int WINDOW_IDX_W   = tcp_rx_opt_walk_pkg::WINDOW_IDX_W;
  localparam int DOFF_W         = tcp_rx_opt_walk_pkg::DOFF_W;
  // The unit's second window; copies are kept of the octets of windows from
  // there or FIRST_COPIED_WINDOW, whichever is later.
  localparam int SECOND_WINDOW  = UNIT * WINDOWS_PER_UNIT + 1;
  localparam int KEEP_FROM      = POS_PER_WINDOW * (SECOND_WINDOW > FIRST_COPIED_WINDOW
                                                    ? SECOND_WINDOW : FIRST_COPIED_WINDOW);

  // Window c of the unit (c < WINDOWS_PER_UNIT) is window j of the walk.
  function automatic int window(input int c);
    window = UNIT * WINDOWS_PER_UNIT + c;
  endfunction

  logic                    first;     // a frame comes in
  logic                    act;       // the unit walks a window this cycle
  logic                    fresh;     // ... from the incoming frame's state
  logic [WINDOW_IDX_W-1:0] cw;        // that window, in the unit
  tcp_rx_opt_walk_pkg::unit_t walk;   // the state it walks from (and its copies), then to
  tcp_rx_opt_walk_pkg::unit_t nxt;    // the registers after this cycle
  logic [8*WINDOW_OCTETS-1:0] win;    // the window's octets
  logic [POS_PER_WINDOW-1:0]  past, beyond;  // position i at or past L, past L
  logic [POS_PER_WINDOW-1:0]  hit;    // an option starts at position i, inside the area
  logic [POS_W-1:0]           base;   // the window's first position
  logic                       last_window;
  logic [2:0]                 unknown;
  logic [7:0]                 kind, len;
  logic [POS_W:0]             next;
  logic                       bad_opt;

  always_comb begin
    // It walks a window when a frame comes in or while it has one
    // (WINDOWS_PER_UNIT > 1); from the incoming frame's state unless busy
    // (for unit 0 that does not wait for the decode's verdict).
    first = prev.fin;
    act   = first || (WINDOWS_PER_UNIT > 1 && state.busy);
    fresh = WINDOWS_PER_UNIT == 1 || (UNIT == 0 ? !state.busy : prev.fin);
    cw    = fresh ? '0 : state.c;
    walk  = fresh ? prev : state;

    // The window j = window(c): its first position, its octets from hdr_opt
    // or the copies it goes with (walk.opt), where the area ends.
    win = '0; past = '0; beyond = '0; base = '0; last_window = 1'b0;
    for (int c = 0; c < WINDOWS_PER_UNIT; c++) begin
      if (cw == WINDOW_IDX_W'(c)) begin
        base        = POS_W'(POS_PER_WINDOW * window(c));
        last_window = window(c) == WINDOWS - 1;
        for (int i = 0; i < WINDOW_OCTETS; i++) begin
          if (POS_PER_WINDOW * window(c) + i >= OPT)
            win[8*i +: 8] = 8'h00;
          else if (window(c) < FIRST_COPIED_WINDOW)
            win[8*i +: 8] = hdr_opt[8*(POS_PER_WINDOW * window(c) + i) +: 8];
          else
            win[8*i +: 8] = walk.opt[8*(POS_PER_WINDOW * window(c) + i) +: 8];
        end
        for (int i = 0; i < POS_PER_WINDOW; i++) begin
          // p >= L = 4 x data offset - 20, and p > L (L is a multiple of 4).
          past[i]   = walk.doff <= DOFF_W'(5 + (POS_PER_WINDOW * window(c) + i) / 4);
          beyond[i] = POS_PER_WINDOW * window(c) + i > 0
                      && walk.doff <= DOFF_W'(5 + (POS_PER_WINDOW * window(c) + i - 1) / 4);
        end
      end
    end

    // The chain: where the options start.
    for (int i = 0; i < POS_PER_WINDOW; i++) begin
      kind    = win[8*i +: 8];
      len     = win[8*(i+1) +: 8];
      next    = (POS_W+1)'(i) + (POS_W+1)'(len[POS_W-1:0]);
      bad_opt = len < 8'd2 || len[7:6] != 2'd0 || next[POS_W]
          || (kind == 8'(tcpoe_wire_pkg::TCP_OPT_MSS)
              && len != 8'(tcpoe_wire_pkg::TCP_OPT_MSS_LEN))
          || (kind == 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE)
              && len != 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE_LEN))
          || (kind == 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED)
              && len != 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED_LEN))
          || (kind == 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS)
              && len != 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS_LEN));
      hit[i] = 1'b0;
      if (!walk.stop && walk.nr == POS_W'(i)) begin
        hit[i] = !past[i];
        if (past[i]) begin
          if (beyond[i]) walk.bad = 1'b1;
          walk.stop = 1'b1;
        end else if (kind == 8'(tcpoe_wire_pkg::TCP_OPT_EOL)) begin
          walk.stop = 1'b1;
        end else if (kind == 8'(tcpoe_wire_pkg::TCP_OPT_NOP)) begin
          walk.nr = POS_W'(i + 1);
        end else if (bad_opt) begin
          walk.bad  = 1'b1;
          walk.stop = 1'b1;
        end else begin
          walk.nr = next[POS_W-1:0];
        end
      end
    end
    // After the last window (based at POS_PER_WINDOW*(WINDOWS-1)): a start past L is bad.
    if (last_window && !walk.stop
        && 7'(walk.nr) + 7'(POS_PER_WINDOW * (WINDOWS - 1) + tcpoe_wire_pkg::TCP_HEADER_LEN)
           > 7'({walk.doff, 2'b00}))
      walk.bad = 1'b1;
    // On to the next window (the next start lies past this one).
    walk.nr = walk.nr - POS_W'(POS_PER_WINDOW);
    // What was found: the options that started in this window.
    unknown = '0;
    for (int i = 0; i < POS_PER_WINDOW; i++) begin
      kind = win[8*i +: 8];
      if (hit[i]) begin
        if (kind == 8'(tcpoe_wire_pkg::TCP_OPT_MSS)) begin
          walk.mss_f = 1'b1;
          walk.mss   = {win[8*(i + OPT_VALUE_OFF) +: 8], win[8*(i + OPT_VALUE_OFF + 1) +: 8]};
        end
        if (kind == 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE)) begin
          walk.ws_f = 1'b1;
          walk.ws   = win[8*(i + OPT_VALUE_OFF) +: 8];
        end
        if (kind == 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED)) walk.sack_f = 1'b1;
        if (kind == 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS)) begin
          walk.ts_f   = 1'b1;
          walk.ts_pos = base + POS_W'(i);
        end
      end
      unknown = unknown + 3'(hit[i] && kind != 8'(tcpoe_wire_pkg::TCP_OPT_EOL)
                             && kind != 8'(tcpoe_wire_pkg::TCP_OPT_NOP)
                             && kind != 8'(tcpoe_wire_pkg::TCP_OPT_MSS)
                             && kind != 8'(tcpoe_wire_pkg::TCP_OPT_WINDOW_SCALE)
                             && kind != 8'(tcpoe_wire_pkg::TCP_OPT_SACK_PERMITTED)
                             && kind != 8'(tcpoe_wire_pkg::TCP_OPT_TIMESTAMPS));
    end
    walk.unk = walk.unk + UNK_W'(unknown);

    // The registers: the walk state after the window, then the next window
    // or the frame handed on.
    nxt     = state;
    nxt.fin = 1'b0;
    if (act) begin
      nxt     = walk;       // its busy, fin, c and opt are set here and below
      nxt.opt = state.opt;
      if (cw == WINDOW_IDX_W'(WINDOWS_PER_UNIT - 1)) begin
        nxt.busy = 1'b0;
        nxt.fin  = 1'b1;
        nxt.c    = state.c;
      end else begin
        nxt.busy = 1'b1;
        nxt.fin  = 1'b0;
        nxt.c    = cw + 1'b1;
      end
    end
    // The copies, taken with the frame: the octets from KEEP_FROM on, which
    // this unit (after its first window) and the later units read. (With
    // WINDOWS_PER_UNIT = 1 every cycle: shift registers without an enable.)
    if (WINDOWS_PER_UNIT == 1 || first) begin
      for (int p = 0; p < OPT; p++)
        nxt.opt[8*p +: 8] = p >= KEEP_FROM ? prev.opt[8*p +: 8] : 8'h00;
    end
  end

  always_ff @(posedge clk) begin
    state <= nxt;
    if (rst) begin
      state.busy <= 1'b0;
      state.fin  <= 1'b0;
    end
  end

`ifndef SYNTHESIS
  // A unit is free when a frame comes to it.
  always_ff @(posedge clk) begin
    if (!rst)
      assert (!(first && state.busy)) else $error("tcp_rx_opt_walk_unit: unit %0d busy", UNIT);
  end
`endif

endmodule
