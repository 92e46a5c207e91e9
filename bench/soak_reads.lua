-- wrk: cycles through the menu, the caller's profile and their orders (bench/soak.py).
local paths = {"/v1/menu", "/v1/me", "/v1/orders"}
local headers = {["Authorization"] = "Bearer " .. os.getenv("SOAK_TOKEN")}
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1], headers)
end
