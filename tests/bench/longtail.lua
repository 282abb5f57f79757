-- wrk script for the long tail (tests/bench/run.py): every request asks for an address
-- picked at random from a file of paths, one a line, with a seeded generator, so that
-- two runs with the same file and seed ask in the same order.
--
--   wrk -t1 -c32 -d10s -s longtail.lua http://127.0.0.1:PORT/ -- PATHS_FILE SEED
--
-- Prints one JSON line as report.lua does, with the count of each response status
-- (wrk itself counts only those of 400 and above, as "status errors") and of each
-- answer of the page cache (its X-Page-Cache header: hit, miss; none without it).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

local paths = {}
statuses = {}
cached = {}

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  -- One generator per thread, each seeded apart.
  math.randomseed(tonumber(args[2]) * 1000 + number)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local answer = headers["X-Page-Cache"] or headers["x-page-cache"] or "none"
  cached[answer] = (cached[answer] or 0) + 1
end

local function tally(name)
  local counts = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get(name)) do
      counts[key] = (counts[key] or 0) + n
    end
  end
  return counts
end

done = function(summary, latency, requests)
  local parts = {}
  for status, n in pairs(tally("statuses")) do
    parts[#parts + 1] = string.format('"%d": %d', status, n)
  end
  local answers = {}
  for answer, n in pairs(tally("cached")) do
    answers[#answers + 1] = string.format('"%s": %d', answer, n)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx": %d, ' ..
    '"errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"statuses": {%s}, "page_cache": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max,
    table.concat(parts, ", "), table.concat(answers, ", ")))
end
