-- wrk: places an order per request (bench/growth.py sets the body).
wrk.method = "POST"
wrk.body = os.getenv("GROWTH_BODY")
wrk.headers["Content-Type"] = "application/json"
