-- senseplane.lua - a Wireshark dissector for the four packet types of the
-- senseplane wire protocol, version 1 (PROTOCOL.md): sensor packets,
-- feed packets, re-requests and attention hints. Every field is shown;
-- a packet the appliance would drop gets expert info naming the reason
-- (the dataplane's counter name, common/PROTOCOL.md); a feed's sequence
-- gaps and repeats, per (session, feed), are flagged.
--
-- Install: copy into a Wireshark plugins folder (meson install puts it in
-- LIBDIR/wireshark/plugins), or `tshark -X lua_script:senseplane.lua`.
-- The packets are found by their magic on any UDP port (heuristic), and
-- the default ports 7400 (sensors), 7401 (re-requests), 7500 (feeds) are
-- registered too. Both are UDP's tables, whatever the IP under it: over
-- IPv6 (PROTOCOL notes, "IPv6") the packets decode as over IPv4.

local sp = Proto("senseplane", "senseplane")

local vtypes = { [1] = "f32", [2] = "f64", [3] = "i32", [4] = "i64" }
local vsize = { [1] = 4, [2] = 8, [3] = 4, [4] = 8 }
local levels = { [0] = "none", [1] = "low", [2] = "medium", [3] = "high" }

local f = {
  kind = ProtoField.string("senseplane.kind", "Packet"),
  magic = ProtoField.uint16("senseplane.magic", "Magic", base.HEX),
  version = ProtoField.uint8("senseplane.version", "Version"),
  sflags = ProtoField.uint8("senseplane.sensor.flags", "Flags", base.HEX),
  f_mac = ProtoField.bool("senseplane.sensor.flags.mac", "MAC", 8, nil, 0x01),
  f_hint = ProtoField.bool("senseplane.sensor.flags.hint", "HINT", 8, nil, 0x02),
  sseq = ProtoField.uint32("senseplane.sensor.seq", "Seq"),
  sensor = ProtoField.uint64("senseplane.sensor_id", "Sensor"),
  mac = ProtoField.uint64("senseplane.sensor.mac", "MAC trailer", base.HEX),
  rec = ProtoField.none("senseplane.record", "Record"),
  attr = ProtoField.uint16("senseplane.record.attr_id", "Attribute"),
  vtype = ProtoField.uint8("senseplane.record.vtype", "Value type", base.DEC, vtypes),
  dim = ProtoField.uint8("senseplane.record.dim", "Dim"),
  nsamp = ProtoField.uint16("senseplane.record.nsamp", "Samples"),
  reserved = ProtoField.uint16("senseplane.record.reserved", "Reserved"),
  t0 = ProtoField.uint64("senseplane.record.t0_ns", "t0 (ns)"),
  dt = ProtoField.uint32("senseplane.record.dt_ns", "dt (ns)"),
  value = ProtoField.double("senseplane.record.value", "Value"),
  ivalue = ProtoField.int32("senseplane.record.ivalue", "Value"),
  lvalue = ProtoField.int64("senseplane.record.lvalue", "Value"),
  fflags = ProtoField.uint8("senseplane.feed.flags", "Flags", base.HEX),
  f_rtx = ProtoField.bool("senseplane.feed.flags.retrans", "RETRANS", 8, nil, 0x01),
  f_bf = ProtoField.bool("senseplane.feed.flags.backfill", "BACKFILL", 8, nil, 0x02),
  f_end = ProtoField.bool("senseplane.feed.flags.end", "END", 8, nil, 0x04),
  feed = ProtoField.uint16("senseplane.feed_id", "Feed"),
  count = ProtoField.uint16("senseplane.count", "Count"),
  session = ProtoField.uint64("senseplane.session", "Session", base.HEX),
  fseq = ProtoField.uint64("senseplane.seq", "Seq"),
  send_ns = ProtoField.uint64("senseplane.feed.send_ns", "Send time (ns)"),
  msg = ProtoField.none("senseplane.msg", "Message"),
  mlen = ProtoField.uint16("senseplane.msg.len", "Length"),
  mtype = ProtoField.uint8("senseplane.msg.type", "Type"),
  quality = ProtoField.uint8("senseplane.msg.quality", "Quality", base.HEX),
  q_conf = ProtoField.bool("senseplane.msg.quality.conflated", "CONFLATED", 8, nil, 0x01),
  q_deg = ProtoField.bool("senseplane.msg.quality.degraded", "DEGRADED", 8, nil, 0x02),
  q_stale = ProtoField.bool("senseplane.msg.quality.stale", "STALE", 8, nil, 0x04),
  mseq = ProtoField.uint64("senseplane.msg.seq", "Message seq"),
  mversion = ProtoField.uint32("senseplane.msg.version", "Version (samples received)"),
  level = ProtoField.uint8("senseplane.hint.level", "Level", base.DEC, levels),
  batch = ProtoField.uint32("senseplane.hint.batch_ms", "Batch (ms)"),
}
sp.fields = {}
for _, v in pairs(f) do table.insert(sp.fields, v) end

local e = {
  drop = ProtoExpert.new("senseplane.drop", "Dropped by the appliance",
                         expert.group.MALFORMED, expert.severity.ERROR),
  gap = ProtoExpert.new("senseplane.gap", "Sequence gap",
                        expert.group.SEQUENCE, expert.severity.WARN),
  dup = ProtoExpert.new("senseplane.repeat", "Messages seen before",
                        expert.group.SEQUENCE, expert.severity.NOTE),
}
sp.experts = { e.drop, e.gap, e.dup }

-- the next seq expected per "session/feed", from the first pass in order
local next_seq = {}
local verdict = {}   -- frame number -> { kind = "gap"|"repeat", n = }

local function drop(tree, item, reason)
  (item or tree):add_proto_expert_info(e.drop, "drop reason: " .. reason)
  return reason
end

-- One record at off; returns the offset after it, or nil and the reason.
local function record(buf, off, limit, tree)
  if limit - off < 20 then
    return nil, "trailing"
  end
  local r = tree:add(f.rec, buf(off, math.min(20, limit - off)))
  local attr = buf(off, 2):uint()
  local vt, dim = buf(off + 2, 1):uint(), buf(off + 3, 1):uint()
  local ns, res = buf(off + 4, 2):uint(), buf(off + 6, 2):uint()
  local dt = buf(off + 16, 4):uint()
  r:add(f.attr, buf(off, 2)); r:add(f.vtype, buf(off + 2, 1))
  r:add(f.dim, buf(off + 3, 1)); r:add(f.nsamp, buf(off + 4, 2))
  r:add(f.reserved, buf(off + 6, 2)); r:add(f.t0, buf(off + 8, 8))
  r:add(f.dt, buf(off + 16, 4))
  r:append_text(string.format(": attr %d, %s x%d, %d sample(s)", attr,
                vtypes[vt] or "?", dim, ns))
  if attr == 0 then return nil, "attr0" end
  if not vsize[vt] then return nil, "vtype" end
  if dim < 1 or dim > 16 then return nil, "dim" end
  if ns < 1 or ns > 1024 then return nil, "nsamp" end
  if res ~= 0 then return nil, "reserved" end
  if ns == 1 and dt ~= 0 then return nil, "dt" end
  local vlen = ns * dim * vsize[vt]
  if off + 20 + vlen > limit then return nil, "overrun" end
  r:set_len(20 + vlen)
  local p = off + 20
  for i = 1, math.min(ns * dim, 64) do
    local v = buf(p, vsize[vt])
    if vt <= 2 then r:add(f.value, v, v:float())
    elseif vt == 3 then r:add(f.ivalue, v)
    else r:add(f.lvalue, v) end
    p = p + vsize[vt]
  end
  return off + 20 + vlen
end

local function sensor(buf, pinfo, tree)
  local len = buf:len()
  local t = tree:add(sp, buf(), "senseplane sensor packet")
  t:add(f.kind, "sensor"); pinfo.cols.protocol = "senseplane"
  t:add(f.magic, buf(0, 2))
  if len < 36 then return drop(t, nil, "short") end
  t:add(f.version, buf(2, 1))
  local flags = buf(3, 1):uint()
  local ft = t:add(f.sflags, buf(3, 1))
  ft:add(f.f_mac, buf(3, 1)); ft:add(f.f_hint, buf(3, 1))
  t:add(f.sseq, buf(4, 4)); t:add(f.sensor, buf(8, 8))
  local sid = buf(8, 8):uint64()
  pinfo.cols.info = string.format("sensor %s seq %d", tostring(sid),
                                  buf(4, 4):uint())
  if buf(2, 1):uint() ~= 1 then return drop(t, nil, "version") end
  if bit.band(flags, 0xfc) ~= 0 then return drop(t, ft, "flags") end
  if sid == UInt64(0) then return drop(t, nil, "sensor0") end
  local limit = len
  if bit.band(flags, 1) ~= 0 then
    if len < 44 then return drop(t, nil, "short") end
    limit = len - 8
    t:add(f.mac, buf(limit, 8))
  end
  local off, nrec = 16, 0
  while off < limit do
    local nxt, why = record(buf, off, limit, t)
    if not nxt then return drop(t, nil, why) end
    off = nxt; nrec = nrec + 1
  end
  pinfo.cols.info = tostring(pinfo.cols.info) ..
    string.format(", %d record(s)%s", nrec, bit.band(flags, 1) ~= 0 and ", MAC" or "")
end

local function feed(buf, pinfo, tree)
  local len = buf:len()
  local t = tree:add(sp, buf(), "senseplane feed packet")
  t:add(f.kind, "feed"); pinfo.cols.protocol = "senseplane"
  if len < 32 then
    return drop(t, nil, "short")
  end
  t:add(f.magic, buf(0, 2)); t:add(f.version, buf(2, 1))
  local ft = t:add(f.fflags, buf(3, 1))
  ft:add(f.f_rtx, buf(3, 1)); ft:add(f.f_bf, buf(3, 1)); ft:add(f.f_end, buf(3, 1))
  t:add(f.feed, buf(4, 2)); t:add(f.count, buf(6, 2))
  t:add(f.session, buf(8, 8)); t:add(f.fseq, buf(16, 8))
  t:add(f.send_ns, buf(24, 8))
  local flags, fid, count = buf(3, 1):uint(), buf(4, 2):uint(), buf(6, 2):uint()
  local seq = buf(16, 8):uint64()
  local key = tostring(buf(8, 8):uint64()) .. "/" .. fid
  pinfo.cols.info = string.format("feed %d seq %s, %d message(s)%s%s%s", fid,
    tostring(seq), count, bit.band(flags, 1) ~= 0 and " RETRANS" or "",
    bit.band(flags, 2) ~= 0 and " BACKFILL" or "",
    bit.band(flags, 4) ~= 0 and " END" or "")
  local off = 32
  for i = 0, count - 1 do
    if off + 2 > len then return drop(t, nil, "truncated") end
    local ml = buf(off, 2):uint()
    if off + 2 + ml > len or ml < 34 then return drop(t, nil, "truncated") end
    local m = t:add(f.msg, buf(off, 2 + ml))
    m:add(f.mlen, buf(off, 2)); m:add(f.mtype, buf(off + 2, 1))
    local q = m:add(f.quality, buf(off + 3, 1))
    q:add(f.q_conf, buf(off + 3, 1)); q:add(f.q_deg, buf(off + 3, 1))
    q:add(f.q_stale, buf(off + 3, 1))
    m:add(f.mseq, buf(16, 8), seq + i)
    m:add(f.sensor, buf(off + 4, 8)); m:add(f.mversion, buf(off + 12, 4))
    m:append_text(string.format(" %s: sensor %s", tostring(seq + i),
                  tostring(buf(off + 4, 8):uint64())))
    local nxt, why = record(buf, off + 16, off + 2 + ml, m)
    if not nxt then return drop(t, m, why) end
    off = off + 2 + ml
  end
  -- sequence gaps, per (session, feed), on the first pass in capture
  -- order; retransmits answer gaps and are not judged
  if not pinfo.visited and bit.band(flags, 1) == 0 then
    local want = next_seq[key]
    if want and seq > want then
      verdict[pinfo.number] = { kind = "gap", n = seq - want }
    elseif want and seq < want and count > 0 then
      verdict[pinfo.number] = { kind = "repeat", n = want - seq }
    end
    local after = seq + count
    if not want or after > want then next_seq[key] = after end
  end
  local v = verdict[pinfo.number]
  if v and v.kind == "gap" then
    t:add_proto_expert_info(e.gap, string.format("gap: %s message(s) missing before seq %s",
                            tostring(v.n), tostring(seq)))
  elseif v then
    t:add_proto_expert_info(e.dup, string.format("%s message(s) seen before", tostring(v.n)))
  end
end

local function rereq(buf, pinfo, tree)
  local t = tree:add(sp, buf(), "senseplane re-request")
  t:add(f.kind, "rereq"); pinfo.cols.protocol = "senseplane"
  if buf:len() ~= 24 then return drop(t, nil, "rereq_bad") end
  t:add(f.magic, buf(0, 2)); t:add(f.version, buf(2, 1))
  t:add(f.reserved, buf(3, 1)); t:add(f.feed, buf(4, 2)); t:add(f.count, buf(6, 2))
  t:add(f.session, buf(8, 8)); t:add(f.fseq, buf(16, 8))
  pinfo.cols.info = string.format("re-request feed %d: %d from seq %s",
    buf(4, 2):uint(), buf(6, 2):uint(), tostring(buf(16, 8):uint64()))
  local n = buf(6, 2):uint()
  if n < 1 or n > 65534 then return drop(t, nil, "rereq_bad") end
end

local function hint(buf, pinfo, tree)
  local t = tree:add(sp, buf(), "senseplane attention hint")
  t:add(f.kind, "hint"); pinfo.cols.protocol = "senseplane"
  if buf:len() < 16 then return drop(t, nil, "short") end
  t:add(f.magic, buf(0, 2)); t:add(f.version, buf(2, 1))
  t:add(f.level, buf(3, 1)); t:add(f.batch, buf(4, 4)); t:add(f.sensor, buf(8, 8))
  pinfo.cols.info = string.format("hint sensor %s: %s, batch %d ms",
    tostring(buf(8, 8):uint64()), levels[buf(3, 1):uint()] or "?", buf(4, 4):uint())
end

local kinds = { [0x5346] = sensor, [0x5356] = feed, [0x5352] = rereq, [0x5348] = hint }

function sp.dissector(buf, pinfo, tree)
  if buf:len() < 2 then return 0 end
  local fn = kinds[buf(0, 2):uint()]
  if not fn then
    if pinfo.dst_port == 7400 then
      local t = tree:add(sp, buf(), "senseplane sensor packet")
      drop(t, nil, buf:len() < 36 and "short" or "magic")
      return buf:len()
    end
    return 0
  end
  fn(buf, pinfo, tree)
  return buf:len()
end

local function heuristic(buf, pinfo, tree)
  if buf:len() < 16 or buf(2, 1):uint() ~= 1 or not kinds[buf(0, 2):uint()] then
    return false
  end
  sp.dissector(buf, pinfo, tree)
  return true
end

function sp.init()
  next_seq = {}
  verdict = {}
end

local udp = DissectorTable.get("udp.port")
for _, port in ipairs({ 7400, 7401, 7500 }) do udp:add(port, sp) end
sp:register_heuristic("udp", heuristic)
