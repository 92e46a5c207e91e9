-- wrk: one of bench/auth_reads.sh's reads, each request as the next of its customers
-- (AUTH_READS_CUSTOMERS: a file of "token key order" lines). AUTH_READS_PATH and
-- AUTH_READS_HEADER name a customer's parts in braces: "/v1/orders/{order}",
-- "Authorization: Bearer {token}". The requests are written once, at start, so the client
-- costs the same for every endpoint, the menu included.
local requests = {}
local n = 0

init = function(args)
  for line in io.lines(os.getenv("AUTH_READS_CUSTOMERS")) do
    local customer = {}
    customer.token, customer.key, customer.order = line:match("^(%S+) (%S+) (%S+)$")
    local fill = function(text) return (text:gsub("{(%w+)}", customer)) end
    local name, value = fill(os.getenv("AUTH_READS_HEADER")):match("^([^:]+): (.*)$")
    requests[#requests + 1] = wrk.format("GET", fill(os.getenv("AUTH_READS_PATH")), {[name] = value})
  end
end

request = function()
  n = n % #requests + 1
  return requests[n]
end
