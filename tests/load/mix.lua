-- The load mix for wrk (LuaJIT): reads, writes and matches against the real
-- server on seeded data, in the proportions of WEIGHTS below. Run by
-- tests/load/run.sh:
--
--   wrk -t2 -c16 -d60s -s tests/load/mix.lua http://127.0.0.1:PORT -- DATA.lua RUN KEY MAX_NEW
--
-- DATA.lua (written by run.sh from the database) returns the ids to draw
-- from; RUN (a small integer) keeps the codici fiscali of one run apart from
-- every other's; KEY is an admin API key; MAX_NEW bounds the job seekers a
-- wrk thread creates in a run (each one grows the server's matching index,
-- and the memory check compares two runs): past it, the creations and the
-- candidacies that need a new person become service records. Every request is one the server
-- must answer with 2xx: the writes never collide (each job seeker's codice
-- fiscale is new, each candidacy names a job seeker this thread created and
-- has not proposed yet, each PATCH carries the ETag its thread last saw and
-- is the only request in flight for that record). Anything else is counted
-- by kind and status, and the first few bodies are printed to stderr; done()
-- prints one "LOAD ..." line that run.sh checks.

local WEIGHTS = {
  {"vacancy", 20},          -- GET /v1/vacancies/{id}
  {"vacancy_list", 9},      -- GET /v1/vacancies?office=..&limit=20
  {"job_seeker", 14},       -- GET /v1/job-seekers/{id}
  {"offices", 3},           -- GET /v1/offices
  {"office", 3},            -- GET /v1/offices/{code}
  {"slots", 7},             -- GET /v1/offices/{code}/slots?from=..&to=..
  {"position_matches", 8},  -- GET /v1/vacancies/{id}/positions/{pid}/matches
  {"seeker_matches", 8},    -- GET /v1/job-seekers/{id}/matches
  {"create_seeker", 8},     -- POST /v1/job-seekers (MAX_NEW per thread, then service records)
  {"patch_seeker", 6},      -- PATCH /v1/job-seekers/{id} with If-Match
  {"service_record", 7},    -- POST /v1/service-records
  {"candidacy", 7},         -- POST /v1/candidacies
}

local MONTHS = "ABCDEHLMPRST"
local ODD = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
             23}
local CHANNELS = {"in_person", "platform", "email", "phone", "video"}
local SERVICES = {"reception", "did", "profiling", "information", "orientation", "matching"}

-- main state: number the threads
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

local data, run, key, auth, max_new
local seq = 0              -- this thread's job seekers so far
local own = {}             -- id -> {etag=, busy=, proposed=}
local own_ids = {}         -- ids of own, in creation order
local next_candidate = 1   -- own_ids[next_candidate] is the next to propose
n4xx, n5xx = 0, 0          -- globals: done() reads them with thread:get
local printed = 0
local bucket = {}

function init(args)
  data = dofile(args[1])
  run = tonumber(args[2])
  key = args[3]
  max_new = tonumber(args[4])
  auth = {["Authorization"] = "Bearer " .. key}
  math.randomseed(run * 1000 + thread_no)
  for _, w in ipairs(WEIGHTS) do
    for _ = 1, w[2] do bucket[#bucket + 1] = w[1] end
  end
end

local function pick(t) return t[math.random(#t)] end

local function check_char(s)
  local total = 0
  for i = 1, 15 do
    local b = s:byte(i)
    local v = (b >= 48 and b <= 57) and (b - 48) or (b - 65)
    if i % 2 == 1 then total = total + ODD[v + 1] else total = total + v end
  end
  return string.char(65 + total % 26)
end

-- A job seeker document whose codice fiscale no other (run, thread, n) has:
-- n in base 26 is the six letters, the rest picks the birth date.
local function new_seeker()
  seq = seq + 1
  local n = (run * 64 + thread_no) * 100000 + seq
  local letters = {}
  local m = n
  for i = 1, 6 do
    letters[i] = string.char(65 + m % 26)
    m = math.floor(m / 26)
  end
  local year = 60 + m % 40
  local month = 1 + math.floor(m / 40) % 12
  local day = 1 + math.floor(m / 480) % 28
  local body = table.concat(letters) .. string.format("%02d%s%02dF839", year, MONTHS:sub(month, month), day)
  local cf = body .. check_char(body)
  local seeker = pick(data.match_seekers)
  return string.format(
    '{"codice_fiscale":"%s","given_name":"Carico","family_name":"Prova","birth_date":"19%02d-%02d-%02d",' ..
    '"sex":"M","citizenship":"IT","domicile":{"comune_istat":"%s","address":"Via Roma %d"},' ..
    '"office_code":"%s","email":"carico%d@example.org","education":[{"title":"Diploma","eqf_level":4,' ..
    '"year":2005}],"languages":[{"code":"en","cefr":"B1"}],"licences":["B"],' ..
    '"skills":[{"code":"%s","level":3}],"desired_occupations":["%s"],' ..
    '"availability":{"contract_types":["indeterminato","determinato"],"working_time":"any",' ..
    '"shifts":true,"max_travel_km":40,"relocate":false},"matching_consent":true}',
    cf, year, month, day, data.comune, seq, data.office, seq, pick(data.skills), pick(data.occupations))
end

local function get(path)
  return wrk.format("GET", path, auth)
end

local function send(method, path, body, extra, content_type)
  local h = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = content_type or "application/json"}
  for k, v in pairs(extra or {}) do h[k] = v end
  return wrk.format(method, path, h, body)
end

function request()
  local kind = pick(bucket)
  if kind == "vacancy" then
    return get("/v1/vacancies/" .. pick(data.vacancies))
  elseif kind == "vacancy_list" then
    return get("/v1/vacancies?office=" .. pick(data.offices) .. "&limit=20")
  elseif kind == "job_seeker" then
    return get("/v1/job-seekers/" .. pick(data.seekers))
  elseif kind == "offices" then
    return get("/v1/offices")
  elseif kind == "office" then
    return get("/v1/offices/" .. pick(data.offices))
  elseif kind == "slots" then
    return get("/v1/offices/" .. data.slot_office .. "/slots?from=" .. data.slot_from .. "&to=" ..
               data.slot_to)
  elseif kind == "position_matches" then
    local p = pick(data.positions)
    return get("/v1/vacancies/" .. p[1] .. "/positions/" .. p[2] .. "/matches?limit=20")
  elseif kind == "seeker_matches" then
    return get("/v1/job-seekers/" .. pick(data.match_seekers) .. "/matches?limit=20")
  elseif kind == "patch_seeker" then
    -- a record of this thread's with no request in flight, if any
    for _ = 1, 4 do
      if #own_ids == 0 then break end
      local id = own_ids[math.random(#own_ids)]
      local s = own[id]
      if not s.busy then
        s.busy = true
        return send("PATCH", "/v1/job-seekers/" .. id,
                    string.format('{"phone":"+39 081 %07d"}', math.random(0, 9999999)),
                    {["If-Match"] = s.etag}, "application/merge-patch+json")
      end
    end
  elseif kind == "candidacy" then
    local id = own_ids[next_candidate]
    if id then
      next_candidate = next_candidate + 1
      local p = pick(data.positions)
      return send("POST", "/v1/candidacies", string.format(
        '{"position_id":"%s","job_seeker_id":"%s","source":"operator","notes":"carico"}', p[2], id))
    end
  end
  if kind ~= "service_record" and seq < max_new then
    return send("POST", "/v1/job-seekers", new_seeker())
  end
  return send("POST", "/v1/service-records", string.format(
    '{"office_code":"%s","service_type":"%s","channel":"%s","delivered_on":"%s","job_seeker_id":"%s"}',
    pick(data.offices), pick(SERVICES), pick(CHANNELS), data.today, pick(data.seekers)))
end

local function note(kind, status, body)
  if status >= 500 then n5xx = n5xx + 1 else n4xx = n4xx + 1 end
  if printed < 5 then
    printed = printed + 1
    io.stderr:write(string.format("load: %s -> %d %s\n", kind, status, (body or ""):sub(1, 300)))
  end
end

-- wrk keeps one request in flight per connection and answers in no fixed
-- order across connections, so a response is matched to its request by
-- what it says: a job seeker's id in the body (its first field).
function response(status, headers, body)
  local id = body and body:match('^{"id":"([0-9a-f-]+)"')
  local mine = id and own[id]
  local location = headers["Location"] or ""
  if status == 201 and id and not mine and location:sub(1, 16) == "/v1/job-seekers/" then
    own[id] = {etag = headers["ETag"], busy = false}
    own_ids[#own_ids + 1] = id
  elseif mine and mine.busy and status == 200 then
    mine.etag = headers["ETag"]
    mine.busy = false
  end
  if status >= 400 then
    local kind = "?"
    if body then
      local path = body:match('"instance":"([^"]*)"') or "?"
      kind = path:gsub("[0-9a-f]+%-[0-9a-f-]+", "{id}")
    end
    note(kind, status, body)
  end
end

function done(summary, latency, requests)
  local c4, c5 = 0, 0
  for _, t in ipairs(threads) do
    c4 = c4 + t:get("n4xx")
    c5 = c5 + t:get("n5xx")
  end
  io.write(string.format("LOAD requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f socket_errors=%d " ..
                         "connect=%d read=%d write=%d timeout=%d non2xx3xx=%d 4xx=%d 5xx=%d\n",
                         summary.requests, summary.requests / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         summary.errors.connect + summary.errors.read + summary.errors.write +
                           summary.errors.timeout,
                         summary.errors.connect, summary.errors.read, summary.errors.write,
                         summary.errors.timeout, summary.errors.status, c4, c5))
end
