#!/usr/bin/env python3
# t/lib-cdp.py URL: drive a headless chromium for the web page tests.
#
# Starts `chromium --headless --remote-debugging-pipe` and speaks the
# DevTools protocol over that pipe (NUL-separated JSON on fds 3 and 4: no
# port, no websocket library). One browser serves the whole test script:
# stdin carries batches of steps, each ended by a line "run" (or by the
# end of input); every batch loads URL afresh, then runs its steps, one
# per line, each a JavaScript expression evaluated in the page (promises
# are awaited):
#
#   wait EXPR    poll every 100 ms until EXPR is truthy (15 s at most)
#   eval EXPR    evaluate once; a thrown exception fails
#   print EXPR   evaluate once and print the value on a line of stdout
#   # ...        a comment
#
# After each batch it prints "status 0" when every step passed and the
# page threw no uncaught exception, else "status 1 <what failed>" (the
# details, with the page's message area, go to stderr). At the end of
# input, or on SIGTERM, the browser is stopped by its PID.
import json
import os
import select
import signal
import shutil
import subprocess
import sys
import tempfile
import time

STEP_TIMEOUT = 15.0
CALL_TIMEOUT = 20.0


class Browser:
    """A chromium process and a DevTools session on its first page."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="codis-cdp-")
        cmd_r, self.cmd_w = os.pipe()   # we write commands, it reads fd 3
        self.out_r, out_w = os.pipe()   # it writes fd 4, we read
        def child_fds():
            # Move both ends out of the way first, so 3 and 4 are free.
            r, w = os.dup(cmd_r), os.dup(out_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--disable-gpu", "--no-sandbox",
             "--no-first-run", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=child_fds,
            close_fds=False)
        os.close(cmd_r)
        os.close(out_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None
        self.exceptions = []  # uncaught exceptions the page reported

    def call(self, method, params=None, session=True):
        """Send one command, return its result; raise on a protocol error."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session is not None:
            msg["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + CALL_TIMEOUT
        while True:
            reply = self.read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("chromium did not answer in time")
            ready, _, _ = select.select([self.out_r], [], [], left)
            if ready:
                chunk = os.read(self.out_r, 65536)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\0", 1)
        msg = json.loads(line)
        if msg.get("method") == "Runtime.exceptionThrown":
            details = msg["params"]["exceptionDetails"]
            self.exceptions.append(
                details.get("exception", {}).get("description") or
                details.get("text"))
        return msg

    def attach(self):
        """Attach to the page target (it appears shortly after start)."""
        deadline = time.monotonic() + CALL_TIMEOUT
        while time.monotonic() < deadline:
            targets = self.call("Target.getTargets")["targetInfos"]
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                self.session = self.call(
                    "Target.attachToTarget",
                    {"targetId": pages[0]["targetId"], "flatten": True},
                    session=False)["sessionId"]
                return
            time.sleep(0.1)
        raise RuntimeError("chromium opened no page")

    def evaluate(self, expr):
        """The value of 'expr' in the page; raise if it throws."""
        result = self.call("Runtime.evaluate", {
            "expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or \
                details.get("text")
            raise RuntimeError("%s: %s" % (expr, text))
        return result["result"].get("value")

    def close(self):
        try:
            self.proc.terminate()
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_w)
        os.close(self.out_r)
        shutil.rmtree(self.profile, ignore_errors=True)


def run_step(browser, verb, expr):
    if verb == "eval":
        browser.evaluate(expr)
    elif verb == "print":
        value = browser.evaluate(expr)
        print(value if isinstance(value, str) else json.dumps(value))
        sys.stdout.flush()
    elif verb == "wait":
        deadline = time.monotonic() + STEP_TIMEOUT
        while not browser.evaluate(expr):
            if time.monotonic() >= deadline:
                raise RuntimeError("timed out waiting for: " + expr)
            time.sleep(0.1)
    else:
        raise RuntimeError("unknown step '%s'" % verb)


def run_batch(browser, url, steps):
    """Load 'url' and run 'steps'; return None, or what went wrong."""
    browser.exceptions = []
    try:
        browser.call("Page.navigate", {"url": url})
        for verb, expr in steps:
            run_step(browser, verb, expr)
        if browser.exceptions:
            raise RuntimeError("the page threw: " +
                               "; ".join(browser.exceptions))
    except Exception as e:
        sys.stderr.write("lib-cdp: %s\n" % e)
        try:
            shown = browser.evaluate(
                "document.getElementById('messages').innerText")
            sys.stderr.write("lib-cdp: page messages: %s\n" % shown)
        except Exception:
            pass
        return str(e).splitlines()[0]
    return None


def read_batch():
    """The steps up to the next "run" line, or None at the end of input."""
    steps = []
    for line in sys.stdin:
        line = line.strip()
        if line == "run":
            return steps
        if line and not line.startswith("#"):
            verb, _, expr = line.partition(" ")
            steps.append((verb, expr.strip()))
    return steps or None


def on_term(signum, frame):
    raise SystemExit(1)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: lib-cdp.py URL <batches")
    signal.signal(signal.SIGTERM, on_term)
    browser = Browser()
    try:
        browser.attach()
        browser.call("Runtime.enable")
        while True:
            steps = read_batch()
            if steps is None:
                break
            failed = run_batch(browser, sys.argv[1], steps)
            print("status 0" if failed is None else "status 1 " + failed)
            sys.stdout.flush()
    finally:
        browser.close()


if __name__ == "__main__":
    main()
