-- wrk: every thread is one customer on one connection, placing a pickup order and paying it,
-- again and again. bench/journey.py sets JOURNEY_TOKENS (one bearer token per customer,
-- comma-separated), JOURNEY_ITEM (a menu item without required options) and JOURNEY_RUN (a
-- prefix that keeps Idempotency-Keys unique across runs).
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("customer", count)
  table.insert(threads, thread)
end

function init(args)
  local tokens = {}
  for token in string.gmatch(os.getenv("JOURNEY_TOKENS"), "[^,]+") do
    table.insert(tokens, token)
  end
  local token = tokens[(customer - 1) % #tokens + 1]
  headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }
  order = '{"lines":[{"item_id":"' .. os.getenv("JOURNEY_ITEM")
    .. '","quantity":1}],"fulfillment":{"type":"pickup"}}'
  run = os.getenv("JOURNEY_RUN")
  unpaid, payments, paid, failed = nil, 0, 0, 0
end

function request()
  if unpaid then
    payments = payments + 1
    headers["Idempotency-Key"] = run .. "-" .. customer .. "-" .. payments
    return wrk.format("POST", "/v1/orders/" .. unpaid .. "/payments", headers,
      '{"card_token":"tok_ok"}')
  end
  headers["Idempotency-Key"] = nil
  return wrk.format("POST", "/v1/orders", headers, order)
end

function response(status, headers, body)
  if unpaid then
    if status == 201 then paid = paid + 1 else failed = failed + 1 end
    unpaid = nil
  elseif status == 201 then
    unpaid = string.match(body, '"id":"(ord_[^"]+)"')
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local paid, failed = 0, 0
  for _, thread in ipairs(threads) do
    paid = paid + thread:get("paid")
    failed = failed + thread:get("failed")
  end
  io.write(string.format("JOURNEYS %d %d %.3f %.2f %.2f\n", paid, failed,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
