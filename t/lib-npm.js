// t/lib-npm.js: what the npm client scripts of t/4033 share.
//   check(what, got, want)   throw unless got equals want (as JSON)
//   waitFor(cond)            resolve once cond() is true (10 s at most)
//   run(name, body)          run the async body; print "NAME done", or
//                            FAIL and exit 1 when it throws

function check(what, got, want) {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
        throw new Error(what + ": expected " + JSON.stringify(want) +
                        ", got " + JSON.stringify(got));
    }
}

async function waitFor(cond) {
    const t0 = Date.now();
    while (!cond() && Date.now() - t0 < 10000) {
        await new Promise((ok) => setTimeout(ok, 20));
    }
}

function run(name, body) {
    body().then(() => console.log(name + " done"))
        .catch((e) => { console.error("FAIL", e); process.exit(1); });
}

module.exports = { check, waitFor, run };
