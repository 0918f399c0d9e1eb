// t/4033: node-redis (the npm package "redis") with its default settings
// through two proxies: SET/GET, a pipeline (multi-command batch without
// MULTI), pub/sub with a pattern.
// Usage: node lib-npm-node-redis.js NODE_MODULES PORT1 PORT2
const { createClient } = require(process.argv[2] + "/redis");
const [p1, p2] = [+process.argv[3], +process.argv[4]];
const { check, waitFor, run } = require(__dirname + "/lib-npm.js");

run("node-redis", async () => {
    const r = createClient({ url: "redis://127.0.0.1:" + p1 });
    r.on("error", (e) => { console.error("FAIL client", e); process.exit(1); });
    await r.connect();
    check("set", await r.set("nr:k", "v1"), "OK");
    check("get", await r.get("nr:k"), "v1");
    check("pipeline", await r.multi().set("nr:a", "1").incr("nr:a")
        .get("nr:a").mGet(["nr:a", "nr:k", "nr:none"]).execAsPipeline(),
        ["OK", 2, "2", ["2", "v1", null]]);
    const sub = createClient({ url: "redis://127.0.0.1:" + p2 });
    sub.on("error", (e) => { console.error("FAIL sub", e); process.exit(1); });
    await sub.connect();
    const got = [];
    await sub.subscribe(["nr:ch1", "nr:ch2"], (m, ch) => got.push([ch, m]));
    await sub.pSubscribe("nr:p.*", (m, ch) => got.push(["p", ch, m]));
    check("publish", [await r.publish("nr:ch1", "m1"),
                      await r.publish("nr:ch2", "m2"),
                      await r.publish("nr:p.x", "m3")], [1, 1, 1]);
    await waitFor(() => got.length >= 3);
    check("messages", got, [["nr:ch1", "m1"], ["nr:ch2", "m2"],
                            ["p", "nr:p.x", "m3"]]);
    check("numsub", await r.pubSubNumSub(["nr:ch1", "nr:none"]),
          { "nr:ch1": 1, "nr:none": 0 });
    await sub.unsubscribe(["nr:ch1", "nr:ch2"]);
    await sub.pUnsubscribe("nr:p.*");
    check("ping after unsubscribe", await sub.ping(), "PONG");
    await sub.quit();
    await r.quit();
});
