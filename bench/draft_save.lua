-- Autosave scorecard drafts from every wrk connection at once, as the page's script does.
--
-- Each thread saves its own share of the scorecards and sends a scorecard again only after
-- the answer to its previous save came back, with the version that answer gave, so a 409
-- means the server lost track of a version, never that two connections raced.
-- Answers do not name their scorecard: the seed starts scorecard N at version N * BAND, so
-- the version in an answer tells which scorecard it belongs to.
--
-- Read from the environment: BENCH_POOL (lines "id version"), BENCH_BODY (the form without
-- version and takeaways), BENCH_BAND, BENCH_THREADS and BENCH_REPORT (written at the end).

local band = tonumber(os.getenv("BENCH_BAND"))
local threads = {}

function setup(thread)
   thread:set("index", #threads)
   table.insert(threads, thread)
end

function init(args)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["Accept"] = "application/json"
   body = os.getenv("BENCH_BODY")
   ready, version, in_flight, ok = {}, {}, {}, {}
   sent, conflicts, failures = 0, 0, 0
   local count, n = tonumber(os.getenv("BENCH_THREADS")), 0
   for line in io.lines(os.getenv("BENCH_POOL")) do
      local id, v = line:match("^(%d+) (%d+)$")
      if n % count == index then
         table.insert(ready, tonumber(id))
         version[tonumber(id)] = tonumber(v)
      end
      n = n + 1
   end
end

function request()
   -- An empty queue means scorecards were lost to failed answers: scorecard 0 answers 404.
   local id = table.remove(ready, 1) or 0
   in_flight[id] = true
   sent = sent + 1
   local form = string.format("%s&version=%d&takeaways=Draft+%d", body, version[id] or 0, sent)
   return wrk.format(nil, string.format("/scorecards/%d/draft", id), nil, form)
end

function response(status, headers, body)
   local v = tonumber(body:match('"version":%s*(%d+)'))
   if v == nil then
      failures = failures + 1
      return
   end
   local id = math.floor(v / band)
   if status == 200 then
      ok[id] = (ok[id] or 0) + 1
   elseif status == 409 then
      conflicts = conflicts + 1
   else
      failures = failures + 1
   end
   in_flight[id] = nil
   version[id] = v
   table.insert(ready, id)
end

function done(summary, latency, requests)
   local out = assert(io.open(os.getenv("BENCH_REPORT"), "w"))
   for _, thread in ipairs(threads) do
      for id, n in pairs(thread:get("ok")) do
         out:write(string.format("ok %d %d\n", id, n))
      end
      for id in pairs(thread:get("in_flight")) do
         out:write(string.format("in_flight %d\n", id))
      end
      out:write(string.format("conflicts %d\nfailures %d\n",
                              thread:get("conflicts"), thread:get("failures")))
   end
   out:close()
end
