// The receive parser's option walk (rtl/tcp_rx_parser.sv,
// rtl/tcp_rx_opt_walk_unit.sv): its structure and the registers of one walk
// unit, as a packed struct whose fields are those of struct Unit in the C++
// reference (hls/parser/tcp_rx_parser.h), name for name.
//
// The package reads no other package (packages are read in file-name order),
// so the option area's size is a number here; tcp_rx_parser checks it
// against tcpoe_wire_pkg at elaboration.
package tcp_rx_opt_walk_pkg;

  // Each user reads a few of these.
  /* verilator lint_off UNUSEDPARAM */

  // The option area: positions 0..OPT_OCTETS-1 (frame octets 54..93);
  // TCP_MAX_HEADER_LEN - TCP_HEADER_LEN.
  localparam int OPT_OCTETS = 40;
  // Window j is positions POS_PER_WINDOW*j .. POS_PER_WINDOW*j+6, walked in
  // cycle t+1+j (the frame's last beat taken at edge t); positions 40 and 41
  // lie past every option area.
  localparam int POS_PER_WINDOW = 7;
  localparam int WINDOWS        = 6;
  // A window's octets: its positions, then up to the MSS value's end.
  localparam int WINDOW_OCTETS  = POS_PER_WINDOW + 3;
  localparam int OPT_VALUE_OFF  = 2;  // an option's value follows its kind and length
  localparam int POS_W          = 6;  // a position, or a start up to 63 positions on
  localparam int UNK_W          = 5;  // unknown options: at most 20 of 2 octets
  localparam int WINDOW_IDX_W   = 3;  // a window's index inside its unit
  localparam int DOFF_W         = 4;  // the TCP data offset field

  // The registers of one walk unit.
  typedef struct packed {
    logic                    busy;    // walking a frame
    logic                    fin;     // gave it on last cycle (to the next unit, or the end)
    logic [WINDOW_IDX_W-1:0] c;       // the window (in the unit) it walks next, when busy
    // Walk state: the next option starts at position nr of the next window
    // (unless stop); the data offset, for the option area's end.
    logic                    stop;
    logic [POS_W-1:0]        nr;
    logic [DOFF_W-1:0]       doff;
    logic                    bad;     // the option area is malformed
    logic                    mss_f, ws_f, sack_f, ts_f;  // found
    logic [15:0]             mss;     // MSS value: option octet 2 in [15:8], 3 in [7:0]
    logic [7:0]              ws;      // window scale shift
    logic [POS_W-1:0]        ts_pos;  // position of the timestamps option
    logic [UNK_W-1:0]        unk;     // unknown options counted
    // Copies of the option octets (position p in [8p +: 8]) for windows the
    // frame's `hdr` no longer holds when they are walked: this unit's later
    // ones and the next units'.
    logic [8*OPT_OCTETS-1:0] opt;
  } unit_t;
  // Its $bits (yosys 0.23 takes no $bits of a type): busy, fin, c, stop, nr,
  // doff, bad, the four found flags, mss, ws, ts_pos, unk, opt.
  localparam int UNIT_W = 1 + 1 + WINDOW_IDX_W + 1 + POS_W + DOFF_W + 1 + 4 + 16 + 8 + POS_W
                          + UNK_W + 8 * OPT_OCTETS;

  /* verilator lint_on UNUSEDPARAM */

endpackage
