-- wrk script for scripts/bench-check. Arguments after `--`: the mode and the number of load users.
--   check   POST /api/v1/check: a random load user, mostly the partner uses the 2018 reports
--           describe (the grants seed-load gives most often), sometimes any partner/category/access
--   noop    POST /api/v1/noop with the very requests `check` sends (random users, partners and
--           questions, made the same way): the HTTP stack alone (the floor). The load generator
--           shares the machine's two cores, so the floor must cost it as much per request as
--           the check does; otherwise part of the ratio would measure wrk, not the server.
--   plain   POST /api/v1/check: Bing reads a random load user's profile (the question `via` asks,
--           without the friend), the comparison for `via`
--   via     POST /api/v1/check: the same, through a random one of that user's friends (seed-load
--           makes load user n friends with n-75..n+75)
--   batch   POST /api/v1/check-batch: a random load user's whole friends list (150 questions),
--           each through that user
--   static  GET the URL given to wrk (a static file)
--   page    GET the URL given to wrk with the headers given by `wrk -H` (the signed-in dashboard,
--           with its session cookie)
-- `done` prints one RESULT line that scripts/bench-check reads (non_2xx counts answers >= 400
-- only: wrk does not count redirects, so bench-check checks the page's status itself).

local partners = { "spotify", "netflix", "rbc", "bing", "amazon", "yandex", "apple", "yahoo", "nytimes" }
local categories = { "messages", "friends", "contacts", "profile", "posts", "calendar" }
local accesses = { "read", "write", "delete" }
local reported = {
  { "spotify", "messages", "read" }, { "spotify", "messages", "write" }, { "spotify", "messages", "delete" },
  { "netflix", "messages", "read" }, { "rbc", "messages", "read" }, { "bing", "friends", "read" },
  { "amazon", "friends", "read" }, { "amazon", "contacts", "read" }, { "yandex", "profile", "read" },
  { "apple", "contacts", "read" }, { "apple", "calendar", "read" }, { "yahoo", "posts", "read" },
  { "nytimes", "friends", "read" },
}

-- Each wrk thread runs its own copy of this script; number them so their random users differ.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local mode, users, fixed

function init(args)
  mode = args[1] or "check"
  users = tonumber(args[2] or "100000")
  math.randomseed(os.time() * 100 + (thread_number or 0))
  if mode == "static" or mode == "page" then
    fixed = wrk.format("GET")
  end
end

local function handle(n)
  return string.format("load-user-%05d", n % users)
end

local bing = { ["Authorization"] = "Bearer demo-key-bing", ["Content-Type"] = "application/json" }

local function through_friends()
  local n = math.random(0, users - 1)
  if mode == "plain" then
    return wrk.format("POST", "/api/v1/check", bing,
      string.format('{"user":"%s","category":"profile","access":"read"}', handle(n)))
  end
  if mode == "via" then
    local k = math.random(1, 75) * (math.random() < 0.5 and 1 or -1)
    return wrk.format("POST", "/api/v1/check", bing,
      string.format('{"user":"%s","category":"profile","access":"read","via":"%s"}', handle(n + users + k), handle(n)))
  end
  local questions = {}
  for k = 1, 75 do
    for _, friend in ipairs({ n + k, n + users - k }) do
      questions[#questions + 1] = string.format('{"user":"%s","category":"profile","access":"read","via":"%s"}',
        handle(friend), handle(n))
    end
  end
  return wrk.format("POST", "/api/v1/check-batch", bing, '{"questions":[' .. table.concat(questions, ",") .. ']}')
end

function request()
  if fixed then
    return fixed
  end
  if mode == "plain" or mode == "via" or mode == "batch" then
    return through_friends()
  end
  local partner, category, access
  if math.random() < 0.7 then
    local asked = reported[math.random(#reported)]
    partner, category, access = asked[1], asked[2], asked[3]
  else
    partner = partners[math.random(#partners)]
    category = categories[math.random(#categories)]
    access = accesses[math.random(#accesses)]
  end
  local body = string.format('{"user":"load-user-%05d","category":"%s","access":"%s"}',
    math.random(0, users - 1), category, access)
  local path = mode == "noop" and "/api/v1/noop" or "/api/v1/check"
  return wrk.format("POST", path,
    { ["Authorization"] = "Bearer demo-key-" .. partner, ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non_2xx=%d socket_errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
