-- The load benchmark's client (bench/bench_load.py runs it): wrk -t N -c N, one connection per
-- thread, so each thread's Lua state sees request → response → request in order and thread i
-- acts as user i alone. Its data are files that bench_load.py writes in $BENCH_WRK_DIR:
--   mode                 floor | page | rush | consolidation
--   marker               text every 200 answer of a GET must contain (empty: none)
--   thread-<i>/cookie    the Cookie header of user i's session (logged in before the run)
--   thread-<i>/paths     one path a line; GETs go round them
--   thread-<i>/body      rush: the save's URL-encoded form, with __VERSION__, __C8__ and __C9__
--   thread-<i>/toggle    rush: the input read on the page, then "a8 a9" and "b8 b9": a page
--                        showing a8 is saved with b8 b9, any other with a8 a9
-- Each request is timed here (CLOCK_MONOTONIC through LuaJIT's FFI), per kind: wrk's own histogram
-- mixes the page and the save. done() writes results.tsv in the same directory.
local ok, ffi = pcall(require, "ffi")
if not ok then
  error("this wrk is not built with LuaJIT (no ffi): bench/load.lua times requests with clock_gettime")
end
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local DIR = assert(os.getenv("BENCH_WRK_DIR"), "BENCH_WRK_DIR is not set")
local KINDS = { floor = { "floor" }, page = { "page" }, rush = { "page", "save" },
                consolidation = { "consolidation" } }

local function read(name)
  local file = assert(io.open(DIR .. "/" .. name, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

-- Main state: the threads, kept to read their results in done().
local threads, count = {}, 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  threads[count] = thread
end

-- Thread state. Results are flat tables (wrk 4.1's thread:get copies a flat table but crashes on
-- a nested one): ms_<kind> the latencies, counts "<kind> <outcome>" → number; inflight the kind
-- of the request sent and not yet answered (a save may be kept after wrk stopped).
local mode, marker, cookie, paths, turn, next_kind, t0
local body, toggle_prefix, a8, a9, b8, b9, save_body

function init(args)
  mode = read("mode")
  marker = read("marker")
  local me = "thread-" .. id .. "/"
  cookie = read(me .. "cookie")
  paths = {}
  for line in read(me .. "paths"):gmatch("[^\n]+") do
    paths[#paths + 1] = line
  end
  if mode == "rush" then
    body = read(me .. "body")
    local name, first, second = read(me .. "toggle"):match("([^\n]+)\n([^\n]+)\n([^\n]+)")
    toggle_prefix = 'name="' .. name .. '" value="'
    a8, a9 = first:match("(%d+) (%d+)")
    b8, b9 = second:match("(%d+) (%d+)")
  end
  for _, kind in ipairs(KINDS[mode]) do
    _G["ms_" .. kind] = {}
  end
  counts = {}
  turn, next_kind = 0, KINDS[mode][1]
end

-- wrk calls request() once before the run to check it (thread 1): only response() moves on.
function request()
  local headers = { Cookie = cookie }
  inflight = next_kind
  t0 = now()
  if next_kind == "save" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", paths[1], headers, save_body)
  end
  return wrk.format("GET", paths[turn % #paths + 1], headers)
end

local function add(key)
  counts[key] = (counts[key] or 0) + 1
end

-- The save of the page just shown: its version, and the toggled figure flipped.
-- A number on the page after `prefix`: a plain find, then an anchored match (an unanchored
-- pattern is tried at each position up to its match, about 10 ns each: 2 ms over 200 kB).
local function value_of(page, prefix)
  local _, stop = page:find(prefix, 1, true)
  return stop and page:match("^%d+", stop + 1)
end

local function prepare_save(page)
  local version = value_of(page, 'name="version" value="')
  local shown = value_of(page, toggle_prefix)
  if not version or not shown then
    return nil
  end
  local c8, c9 = b8, b9
  if shown ~= a8 then
    c8, c9 = a8, a9
  end
  return (body:gsub("__VERSION__", version):gsub("__C8__", c8):gsub("__C9__", c9))
end

function response(status, headers, page)
  local kind = next_kind
  inflight = nil
  local samples = _G["ms_" .. kind]
  samples[#samples + 1] = (now() - t0) * 1000
  local outcome = "ok"
  if status ~= (kind == "save" and 302 or 200) then
    outcome = "HTTP " .. status
  elseif kind ~= "save" and marker ~= "" and not page:find(marker, 1, true) then
    outcome = "thiếu nội dung"
  end
  turn = turn + 1
  if mode == "rush" then
    next_kind = "page"
    if kind == "page" and outcome == "ok" then
      save_body = prepare_save(page)
      if save_body then
        next_kind = "save"
      else
        outcome = "không có version"
      end
    end
  end
  add(kind .. " " .. outcome)
end

function done(summary, latency, requests)
  local kinds = KINDS[read("mode")]
  local out = assert(io.open(DIR .. "/results.tsv", "w"))
  out:write("duration\t", summary.duration / 1e6, "\n")
  for i, thread in ipairs(threads) do
    for _, kind in ipairs(kinds) do
      for _, ms in ipairs(thread:get("ms_" .. kind) or {}) do
        out:write("ms\t", kind, "\t", ms, "\n")
      end
    end
    for key, n in pairs(thread:get("counts") or {}) do
      out:write("count\t", i, "\t", key, "\t", n, "\n")
    end
    local pending = thread:get("inflight")
    if pending then
      out:write("inflight\t", i, "\t", pending, "\n")
    end
  end
  out:close()
end
