#!/usr/bin/python3
"""The console's cluster panel on three real instances, in a real browser.

A real Redis (the KVS) on 127.0.0.1 and three jiffyd on 127.0.0.2, .3 and .4
(one SQLite file, one hmac_Key, ping_cycle 1 s, failure_threshold 3, the
console on). One headless Chromium opens the console of each instance in a
tab of its own, signs in as admin and opens the Cluster panel: the leader, the
term and the member rows read from the page agree on all three, every member
ALIVE. Then one member that is not the leader is killed with SIGKILL and the
two pages still open, never reloaded, show its row FAILED (they redraw every
ping cycle) and still agree on a leader among the living. Screenshots of both states at 1280x800 and 390x844.

    console_cluster_browser.py <jiffyd> <source dir> <screenshot dir> [redis-server]

Exit 0: passed; 1: failed (the step named, with the screen and the logs), or
jiffyd or redis-server is missing; 77 (ctest SKIP): selenium, chromium or
chromedriver is missing or Chromium does not start.
"""
import os
import shutil
import sys
import tempfile
import time
import traceback

from jiffy_browser import Jiffyd, Page, Redis, base_config, clear_failure_shots, require, start_browser

HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
FORM_S = 60  # liveness bound for three instances to agree (60 ping cycles)
FAIL_S = 90  # for a killed member to show FAILED (detection takes some 6 cycles)

# What the Cluster panel shows, read from the page as drawn, in one go (it is
# redrawn every cycle: element handles kept across calls would go stale).
READ_PANEL = """
const text = (id) => { const e = document.getElementById(id); return e ? e.textContent : null; };
const shown = (e) => Boolean(e && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
return {
  self: text('cluster-self'), leader: text('cluster-leader'), term: text('cluster-term'),
  leaderShown: shown(document.getElementById('cluster-leader')),
  members: [...document.querySelectorAll('#cluster-members tbody tr')].map((tr) => {
    const badge = tr.querySelector('.badge');
    return {
      pid: tr.cells[0].textContent, rowStatus: tr.dataset.status, status: badge ? badge.textContent : null,
      shown: shown(tr) && shown(badge), colour: badge ? getComputedStyle(badge).backgroundColor : null,
      notes: tr.textContent,
    };
  }),
};
"""


class ClusterPanels(Page):
    def __init__(self, driver, nodes, shots):
        super().__init__(driver, shots)
        self.nodes = nodes
        self.tabs = {}  # host -> window handle

    def panel(self):
        return self.d.execute_script(READ_PANEL)

    def open_all(self):
        """One tab per instance, signed in as admin, on the Cluster panel."""
        for i, n in enumerate(self.nodes):
            if i:
                self.d.switch_to.new_window("tab")
            self.tabs[n.host] = self.d.current_window_handle
            self.d.get(n.base + "/_/")
            self.css("#signin")
            self.sign_in("admin", "initpass")
            self.css("#nav")
            self.go("#/cluster")
            self.css("#cluster-summary")

    def agreed(self, alive):
        """The panels of every tab in `alive` show the same leader and term and those members ALIVE."""
        want = None
        for host in alive:
            self.d.switch_to.window(self.tabs[host])
            p = self.panel()
            statuses = {m["pid"]: m["status"] for m in p["members"]}
            if p["leader"] in (None, "0", "none elected") or not p["term"] or p["term"] in ("—", "0"):
                return None
            if sorted(statuses.values()) != ["ALIVE"] * len(self.nodes):
                return None
            key = (p["leader"], p["term"], tuple(sorted(statuses)))
            if want is None:
                want = key
            elif key != want:
                return None
        return want

    def test_three_instances_show_the_same_leader_and_term(self):
        self.open_all()
        hosts = [n.host for n in self.nodes]
        leader, term, pids = self.wait(lambda d: self.agreed(hosts),
                                       "three panels agreeing on leader, term and 3 ALIVE members", FORM_S)
        self.self_pid = {}
        for n in self.nodes:
            self.d.switch_to.window(self.tabs[n.host])
            p = self.panel()
            assert p["self"] in pids, f"{n.host} shows itself as {p['self']}, not one of {pids}"
            self.self_pid[n.host] = p["self"]
            assert p["leaderShown"] and all(m["shown"] for m in p["members"]), f"{n.host}: not all on screen: {p}"
            # the marks drawn in the rows: the leader's, and this instance's own
            rows = {m["pid"]: m["notes"] for m in p["members"]}
            assert "leader" in rows[leader], rows
            assert "this one" in rows[p["self"]], rows
        assert len(set(self.self_pid.values())) == 3, f"three different PIDs: {self.self_pid}"
        self.leader = leader
        print(f"      all three pages: leader pid {leader}, term {term}, members {', '.join(pids)} ALIVE")
        self.d.switch_to.window(self.tabs[self.nodes[0].host])
        self.screenshot("cluster-3-alive", '#cluster-members tr[data-status="ALIVE"]')

    def failed_on_screen(self, pid):
        """The panel of the current tab, once it shows `pid`'s row FAILED."""
        p = self.panel()
        row = next((m for m in p["members"] if m["pid"] == pid), None)
        return p if row and row["status"] == "FAILED" and row["rowStatus"] == "FAILED" and row["shown"] else None

    def test_killed_member_turns_failed_without_reloading(self):
        victim = next(n for n in self.nodes if self.self_pid[n.host] != self.leader)
        pid = self.self_pid[victim.host]
        watchers = [n for n in self.nodes if n is not victim]
        for n in watchers:  # a mark a reload would wipe out
            self.d.switch_to.window(self.tabs[n.host])
            self.d.execute_script("window.__notReloaded = true")
        print(f"      kill -9 of {victim.host} (pid {pid})")
        victim.kill9()
        t0 = time.monotonic()
        for n in watchers:
            self.d.switch_to.window(self.tabs[n.host])
            p = self.wait(lambda d: self.failed_on_screen(pid), f"pid {pid}'s row FAILED on the page of {n.host}",
                          FAIL_S)
            print(f"      FAILED on the page of {n.host} after {time.monotonic() - t0:.1f} s")
            assert self.d.execute_script("return window.__notReloaded === true"), f"the page of {n.host} reloaded"
            # FAILED stands out: in words (above) and in colour, unlike any ALIVE row
            failed = next(m for m in p["members"] if m["pid"] == pid)
            alive = [m for m in p["members"] if m["status"] == "ALIVE"]
            assert alive and all(m["colour"] != failed["colour"] for m in alive), f"FAILED looks like ALIVE: {p}"
        # the two left still agree on one leader among them (a starved machine may move the lease; it stays one)
        live = {self.self_pid[n.host] for n in watchers}
        self.wait(lambda d: self.agreed_after_kill(watchers, live), "the two pages left agreeing on a live leader",
                  FORM_S)
        self.d.switch_to.window(self.tabs[watchers[0].host])
        self.screenshot("cluster-1-failed", f'#cluster-members tr[data-pid="{pid}"][data-status="FAILED"]')

    def agreed_after_kill(self, watchers, live):
        seen = set()
        for n in watchers:
            self.d.switch_to.window(self.tabs[n.host])
            p = self.panel()
            if p["leader"] not in live:
                return False
            seen.add((p["leader"], p["term"]))
        return len(seen) == 1

    def test_no_csp_violation(self):
        bad = []
        for handle in self.tabs.values():
            self.d.switch_to.window(handle)
            bad += self.csp_violations()
        assert not bad, "the page broke its own Content-Security-Policy:\n" + "\n".join(bad)


def cluster_config(src, tmp, redis):
    cfg = base_config(src, tmp)
    cfg.update({
        "ping_cycle": 1,
        "failure_threshold": 3,
        "hmac_Key": "console-cluster-test-secret",
        "database": {"db_dialect": "sqlite", "name": os.path.join(tmp, "shared.db")},
        "group_leader_kvs": {"local_standalone": {"active": False},
                             "redis": {"active": True, "redis_address": redis.address}},
    })
    cfg["logging"] = dict(cfg["logging"], requests=False)
    return cfg


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__)
        return 64
    jiffyd, src, shots = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    jiffyd = require(jiffyd, "jiffyd")
    redis_server = require(sys.argv[4] if len(sys.argv) == 5 else "redis-server", "redis-server", "redis-server")
    clear_failure_shots(shots)
    started = time.monotonic()
    driver = start_browser()
    tmp = tempfile.mkdtemp(prefix="jiffy-console-cluster-")
    servers = []
    failed = 0
    step = "starting Redis and three jiffyd"
    try:
        redis = Redis(redis_server, tmp)
        servers.append(redis)
        cfg = cluster_config(src, tmp, redis)
        nodes = []
        for i, host in enumerate(HOSTS):  # one after the other: the first creates the database
            n = Jiffyd(jiffyd, tmp, cfg, host=host, name=f"jiffyd-{host}", generate_keys=(i == 0))
            servers.append(n)
            nodes.append(n)
        print(f"ok    {step} ({time.monotonic() - started:.1f} s)")
        c = ClusterPanels(driver, nodes, shots)
        for step in [n for n in ClusterPanels.__dict__ if n.startswith("test_")]:
            t0 = time.monotonic()
            getattr(c, step)()
            print(f"ok    {step} ({time.monotonic() - t0:.1f} s)")
    except Exception:
        failed = 1
        print(f"FAIL  {step}\n{traceback.format_exc()}")
        try:
            path = os.path.join(shots, "FAILED-cluster.png")
            driver.save_screenshot(path)
            print(f"screen at the failure: {path}")
        except Exception as e:  # the browser itself may be what failed
            print(f"no screenshot: {e}")
        for s in servers:
            print(f"--- {os.path.basename(s.log)} (tail):\n{s.log_text(3000)}")
    finally:
        try:
            driver.quit()
        finally:
            for s in reversed(servers):
                s.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'FAILED' if failed else 'passed'} in {time.monotonic() - started:.1f} s; screenshots in {shots}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
