# nats-py's numbers on the same server. Same arguments and JSON output as the other baselines:
# nats_py.py URL SMALL_COUNT LARGE_COUNT REQUESTS.
import asyncio, json, statistics, sys, time
import nats

async def pubsub(url, count, size):
    pub = await nats.connect(url, pending_size=64 * 1024 * 1024)
    sub = await nats.connect(url)
    done = asyncio.get_running_loop().create_future()
    n = 0
    async def cb(msg):
        nonlocal n
        n += 1
        if n == count and not done.done():
            done.set_result(None)
    await sub.subscribe("pybench.%d" % size, cb=cb, pending_msgs_limit=count + 10, pending_bytes_limit=-1)
    await sub.flush()
    payload = b"a" * size
    start = time.perf_counter()
    for _ in range(count):
        await pub.publish("pybench.%d" % size, payload)
    await pub.flush()
    await asyncio.wait_for(done, 120)
    elapsed = time.perf_counter() - start
    await pub.close()
    await sub.close()
    return count / elapsed

async def rtt(url, count):
    server = await nats.connect(url)
    client = await nats.connect(url)
    async def echo(msg):
        await msg.respond(msg.data)
    await server.subscribe("pybench.rr", cb=echo)
    await server.flush()
    samples = []
    for i in range(count + 100):
        start = time.perf_counter()
        await client.request("pybench.rr", b"x", timeout=5)
        if i >= 100:
            samples.append((time.perf_counter() - start) * 1e6)
    await server.close()
    await client.close()
    return statistics.median(samples)

async def main():
    url, small, large, requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    result = {"small": await pubsub(url, small, 16), "large": await pubsub(url, large, 1024), "rtt_us": await rtt(url, requests)}
    print(json.dumps(result))

asyncio.run(main())
