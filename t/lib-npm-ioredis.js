// t/4033: ioredis with its default settings (it opens with HELLO 3)
// through two proxies: SET/GET, a pipeline, pub/sub with a pattern.
// Usage: node lib-npm-ioredis.js NODE_MODULES PORT1 PORT2
const Redis = require(process.argv[2] + "/ioredis");
const [p1, p2] = [+process.argv[3], +process.argv[4]];
const { check, waitFor, run } = require(__dirname + "/lib-npm.js");

run("ioredis", async () => {
    const r = new Redis({ port: p1, host: "127.0.0.1" });
    check("set", await r.set("io:k", "v1"), "OK");
    check("get", await r.get("io:k"), "v1");
    check("pipeline", await r.pipeline().set("io:a", 1).incr("io:a")
        .get("io:a").mget("io:a", "io:k", "io:none").exec(),
        [[null, "OK"], [null, 2], [null, "2"], [null, ["2", "v1", null]]]);
    const sub = new Redis({ port: p2, host: "127.0.0.1" });
    const got = [];
    sub.on("message", (ch, m) => got.push([ch, m]));
    sub.on("pmessage", (p, ch, m) => got.push([p, ch, m]));
    check("subscribe", await sub.subscribe("io:ch1", "io:ch2"), 2);
    check("psubscribe", await sub.psubscribe("io:p.*"), 3);
    check("publish", [await r.publish("io:ch1", "m1"),
                      await r.publish("io:ch2", "m2"),
                      await r.publish("io:p.x", "m3")], [1, 1, 1]);
    await waitFor(() => got.length >= 3);
    check("messages", got, [["io:ch1", "m1"], ["io:ch2", "m2"],
                            ["io:p.*", "io:p.x", "m3"]]);
    sub.disconnect();
    r.disconnect();
});
