-- wrk script: POST /api/v1/tasks for the whole run, each request with its own body and
-- Idempotency-Key; prints one RESULT line with the statuses and latency percentiles.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  sent, created, other = 0, 0, 0
end

function request()
  sent = sent + 1
  local body = string.format('{"description": "wrk task %d-%d: what is %d+%d?", "max_iterations": 0}', id, sent, sent, id)
  return wrk.format("POST", "/api/v1/tasks",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = string.format("wrk-%d-%d", id, sent) }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local created_total, other_total = 0, 0
  for _, thread in ipairs(threads) do
    created_total = created_total + thread:get("created")
    other_total = other_total + thread:get("other")
  end
  io.write(string.format("RESULT created=%d other=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    created_total, other_total, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
