#!/usr/bin/python3
"""The admin console in a real browser: headless Chromium driven through
WebDriver against a real jiffyd on a free loopback port with a temporary data
directory. One browser session is reused by every scenario (a second window
has its own sessionStorage, so it is a second sign-in of its own).

    console_browser.py <jiffyd> <source dir> <screenshot dir>

Exit 0: every scenario passed; 1: one failed (named, with the jiffyd log);
77 (ctest SKIP): selenium, chromium or chromedriver is missing or Chromium
does not start. The cluster panel is checked on this lone jiffyd (a cluster
of one) and on a sample three-member view; three real instances, one of them
killed, are console_cluster_browser.py. Servers, driver and page helpers are
jiffy_browser.py.
"""
import base64
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import urllib.parse

from jiffy_browser import By, Jiffyd, Page, base_config, clear_failure_shots, require, start_browser


def q(s):
    """A path segment, percent-encoded (filters hold spaces and quotes)."""
    return urllib.parse.quote(s, safe="")


class Console(Page):
    """The scenarios, run in order against one browser session."""

    def __init__(self, driver, server, shots):
        super().__init__(driver, shots)
        self.s = server
        self.admin = server.login("admin", "initpass")

    # --- helpers -----------------------------------------------------------
    def confirm(self):
        self.click("#confirm-ok")
        self.wait(lambda d: not d.execute_script("return document.getElementById('confirm').open"), "dialog closed")

    def rerender(self):
        """Draws the current screen again, as the page does after a change."""
        self.d.execute_script("window.dispatchEvent(new HashChangeEvent('hashchange'))")

    def group_id(self, name):
        status, groups = self.s.request("GET", "/usrgroups", token=self.admin)
        assert status == 200, groups
        return next((g["id"] for g in groups if g["group_name"] == name), None)

    def grants_of(self, group):
        gid = self.group_id(group)
        status, rows = self.s.request("GET", f"/groupauths/{q(f'group_id(EQ {gid})')}", token=self.admin)
        assert status == 200, rows
        return {r["auth_name"] for r in rows}

    def user(self, email):
        status, users = self.s.request("GET", "/usrs", token=self.admin)
        assert status == 200, users
        return next((u for u in users if u["Email"] == email), None)

    def libraries(self, name):
        status, rows = self.s.request("GET", f"/librarys/{q(f'name(EQ {chr(39)}{name}{chr(39)})')}", token=self.admin)
        assert status == 200, rows
        return rows

    # --- scenarios ---------------------------------------------------------
    def test_sign_in_as_admin(self):
        self.d.get(self.s.base + "/_/")
        self.css("#signin")
        self.screenshot("signin", "#signin")
        self.sign_in("admin", "wrong-password")
        self.text_in("#signin-message", "Wrong email or password")
        self.sign_in("admin", "initpass")
        self.css("#users-list table")
        self.text_in("#users-list", "admin")
        assert self.d.execute_script("return document.cookie") == "", "the console must not set cookies"
        assert self.d.execute_script("return sessionStorage.length") == 1, "the token lives in sessionStorage"

    def test_create_group_and_grant(self):
        self.go("#/groups")
        self.type("#group-name", "readers")
        self.type("#group-description", "may read one library")
        self.click("#group-create")
        self.css('#groups-table tr[data-group="readers"]')
        self.type("#group-name", "others")
        self.click("#group-create")
        self.css('#groups-table tr[data-group="others"]')
        assert self.group_id("readers") and self.group_id("others"), "the groups exist through the REST API"
        self.type("#grants-search", "library.GET")
        box = 'input[data-group="readers"][data-auth="library.GET_ID"]'
        self.click(box)
        self.css(box + '[data-saved="true"]')
        assert self.grants_of("readers") == {"library.GET_ID"}, self.grants_of("readers")
        self.type("#grants-search", "")
        self.screenshot("groups", "#grants-matrix table")

    def test_create_user_in_group(self):
        self.go("#/users")
        for email, group in (("reader@example.com", "readers"), ("outsider@example.com", "others")):
            self.click("#user-new")
            if group == "readers":
                self.screenshot("user-form", "#user-form")
            self.type("#user-name", email.split("@")[0].title())
            self.type("#user-email", email)
            self.type("#user-password", "reader-pass-1")
            self.click(f'#user-form input[name="group"][value="{group}"]')
            self.click("#user-save")
            self.css(f'#users-list tr[data-email="{email}"]')
            u = self.user(email)
            assert u and u["groups"] == group and u["Active"], u
        # deactivate (confirmed), then activate again; set a new password
        row = '#users-list tr[data-email="outsider@example.com"]'
        self.click(row + " td.actions button:nth-child(2)")
        self.confirm()
        self.wait(lambda d: not self.user("outsider@example.com")["Active"], "outsider deactivated")
        self.css(row + " .badge.off")
        self.click(row + " td.actions button:nth-child(2)")
        self.wait(lambda d: self.user("outsider@example.com")["Active"], "outsider active again")
        self.css(row + " .badge.ok")
        self.click(row + " td.actions button:nth-child(1)")
        self.type("#user-password", "outsider-pass-2")
        self.click("#user-save")
        self.wait(lambda d: self.s.request("POST", "/usr/login", {"email": "outsider@example.com",
                                                                   "password": "outsider-pass-2"})[0] == 200,
                  "the new password works")
        self.type("#users-search", "reader")
        self.css('#users-list tr[data-email="reader@example.com"]')
        assert not self.d.find_elements(By.CSS_SELECTOR, '#users-list tr[data-email="admin"]'), "search filters"
        self.type("#users-search", "")
        self.css('#users-list tr[data-email="admin"]')
        self.screenshot("users", "#users-list table")

    def test_library_crud_through_data_view(self):
        self.go("#/data/library")
        self.css("#data-table .empty")
        self.screenshot("data-empty", "#data-table .empty")
        self.click("#data-new")
        self.type("#field-name", "Central")
        self.type("#field-city", "Calgary")
        self.click("#data-save")
        self.css('#table-library td[data-field="name"]')
        rows = self.libraries("Central")
        assert len(rows) == 1 and rows[0]["city"] == "Calgary", rows
        lid = rows[0]["id"]
        self.click(f'#table-library tr[data-id="{lid}"] td.actions button')  # Edit
        self.type("#field-city", "Edmonton")
        self.click("#data-save")
        self.text_in(f'#table-library tr[data-id="{lid}"] td[data-field="city"]', "Edmonton")
        assert self.libraries("Central")[0]["city"] == "Edmonton", self.libraries("Central")
        # a book of it, seen through the relation link
        status, book = self.s.request("POST", "/book", {"title": "Dune", "author": "Herbert", "hardcover": True,
                                                         "copies": 2, "library_id": lid}, token=self.admin)
        assert status == 201, book
        self.click(f'#table-library tr[data-id="{lid}"] a.rel')
        self.text_in("main", "Dune")
        self.s.request("DELETE", f"/book/{book['id']}", token=self.admin)
        # filters and paging: 12 more rows, 10 per page
        for i in range(12):
            self.s.request("POST", "/library", {"name": f"Branch {i:02d}", "city": "Banff"}, token=self.admin)
        self.go("#/data/library")
        self.text_in("#data-page", "Page 1 of 2")
        self.click("#data-next")
        self.text_in("#data-page", "Page 2 of 2")
        self.css("#filter-field").send_keys("name")
        self.css("#filter-op").send_keys("EQ")
        self.type("#filter-value", "Central")
        self.click("#filter-apply")
        self.text_in("#data-page", "1 row")
        self.screenshot("data", "#table-library")
        self.click(f'#table-library tr[data-id="{lid}"] td.actions button.danger')
        self.confirm()
        self.css("#data-table .empty")
        status, _ = self.s.request("GET", f"/library/{lid}", token=self.admin)
        assert status == 404, f"library {lid} after delete: {status}"
        self.css("#filter-field").send_keys("no filter")
        self.click("#filter-apply")
        self.text_in("#data-page", "12 rows")

    def test_script_value_renders_as_text(self):
        evil = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
        status, row = self.s.request("POST", "/library", {"name": evil, "city": "<b>bold</b>"}, token=self.admin)
        assert status == 201, row
        self.rerender()
        self.click("#table-library thead th:first-child button.sort")  # id, newest first
        self.text_in("#table-library thead th:first-child", "↓")
        cell = self.css(f'#table-library tr[data-id="{row["id"]}"] td[data-field="name"]')
        assert cell.text == evil, f"shown as {cell.text!r}"
        assert not cell.find_elements(By.CSS_SELECTOR, "*"), "the value must be a text node, not elements"
        self.go(f"#/data/library/{row['id']}")
        self.text_in('#record dd[data-field="name"]', "<script>")
        assert self.d.execute_script("return window.__xss") is None, "a value ran as script"
        assert self.d.execute_script("return document.querySelectorAll('main script, main img').length") == 0

    def test_granted_user_in_second_window(self):
        admin_window = self.d.current_window_handle
        self.d.switch_to.new_window("window")
        self.d.get(self.s.base + "/_/")
        assert self.d.execute_script("return sessionStorage.length") == 0, "a new window starts signed out"
        self.sign_in("reader@example.com", "reader-pass-1")
        self.css("#nav")
        status, row = self.s.request("POST", "/library", {"name": "Reading Room", "city": "Regina"}, token=self.admin)
        assert status == 201, row
        # the list is not granted: the data view says so
        self.go("#/data/library")
        self.text_in("#data-table .error", "not granted")
        # the one granted action works: open by id
        self.type("#open-id", str(row["id"]))
        self.click("#open-form button")
        self.text_in('#record dd[data-field="name"]', "Reading Room")
        # and nothing else does: deleting is refused by jiffyd, the row stays
        self.click("#record button.danger")
        self.confirm()
        self.text_in("#toast", "not granted")
        status, _ = self.s.request("GET", f"/library/{row['id']}", token=self.admin)
        assert status == 201, "the reader's delete must not have happened"
        self.go("#/users")
        self.text_in("main .error", "not granted")
        reader = self.s.login("reader@example.com", "reader-pass-1")
        assert self.s.request("GET", f"/library/{row['id']}", token=reader)[0] == 201
        assert self.s.request("GET", "/librarys", token=reader)[0] == 401  # jiffy's code for "not granted"
        assert self.s.request("POST", "/library", {"name": "x", "city": "y"}, token=reader)[0] == 401
        self.d.switch_to.window(admin_window)
        self.go("#/users")
        self.css('#users-list tr[data-email="reader@example.com"]')  # the admin's window is still signed in
        self.d.switch_to.window([w for w in self.d.window_handles if w != admin_window][0])

    def test_outsider_cannot_open_console(self):
        self.click("#signout")
        self.css("#signin")
        self.sign_in("outsider@example.com", "outsider-pass-2")
        self.text_in("#signin-message", "is not a member of Super or readers")
        assert not self.d.find_element(By.ID, "top").is_displayed(), "no navigation for a refused user"
        assert self.d.execute_script("return sessionStorage.length") == 0, "a refused user's token is not kept"
        self.go("#/users")
        self.css("#signin")
        self.d.close()
        self.d.switch_to.window(self.d.window_handles[0])

    def test_expired_token_returns_to_sign_in(self):
        # a token whose exp has passed: the page signs out before calling anything
        payload = json.loads(self.d.execute_script(
            "const t = sessionStorage.getItem('jiffy.console.token');"
            "return atob(t.split('.')[1].replace(/-/g,'+').replace(/_/g,'/'))"))
        admin_token = self.d.execute_script("return sessionStorage.getItem('jiffy.console.token')")
        head, _, sig = admin_token.split(".")
        payload["exp"] = int(time.time()) - 10
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        self.d.execute_script("sessionStorage.setItem('jiffy.console.token', arguments[0]); location.reload()",
                              f"{head}.{body}.{sig}")
        self.text_in("#signin-message", "expired")
        # a token jiffyd refuses (the forged one with a future exp): the first call's 401 signs out
        payload["exp"] = int(time.time()) + 3600
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        self.d.execute_script("sessionStorage.setItem('jiffy.console.token', arguments[0]);"
                              "location.hash = '#/users'; location.reload()", f"{head}.{body}.{sig}")
        self.text_in("#signin-message", "expired")
        self.sign_in("admin", "initpass")
        self.css("#users-list table")

    def test_give_super_everything(self):
        status, grants = self.s.request("GET", "/groupauths", token=self.admin)
        victim = next(g for g in grants if g["group_name"] == "Super" and g["auth_name"] == "book.DELETE")
        assert self.s.request("DELETE", f"/groupauth/{victim['id']}", token=self.admin)[0] == 202
        self.go("#/groups")
        self.text_in("#grants-super", "1 missing")
        self.click("#grants-super")
        self.confirm()
        self.text_in("#grants-super", "Super holds everything")
        status, auths = self.s.request("GET", "/auths", token=self.admin)
        assert self.grants_of("Super") == {a["auth_name"] for a in auths}, "Super holds every authorization"

    def test_health_and_cluster(self):
        self.go("#/health")
        self.text_in("#health-ready", "routes/console")
        self.text_in("#ready-status", "ready")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#routes-table svg.spark"), "the first sample")
        status, row = self.s.request("POST", "/library", {"name": "Busy", "city": "Banff"}, token=self.admin)
        assert status == 201, row
        for _ in range(60):  # traffic for the charts; bounded
            assert self.s.request("GET", f"/library/{row['id']}", token=self.admin)[0] == 201
        cell = '#routes-table tr[data-route="library.GET_ID"]'
        self.wait(lambda d: int(d.find_element(By.CSS_SELECTOR, cell + " td:nth-child(2)").text) >= 60,
                  "library.GET_ID counted 60 times")
        # two intervals drawn: the line has a segment, and the interval with the calls has a rate above 0
        self.wait(lambda d: "L" in (d.find_element(By.CSS_SELECTOR, cell + " td:nth-child(3) path")
                                    .get_attribute("d") or ""), "a rate line of two intervals")
        label = self.d.find_element(By.CSS_SELECTOR, cell + " td:nth-child(3) svg").get_attribute("aria-label")
        assert "library.GET_ID requests per second" in label, label
        self.screenshot("health", "#routes-table")
        # a lone jiffyd is a cluster of one: its own leader, drawn from the real GET /cluster
        status, cluster = self.s.request("GET", "/cluster", token=self.admin)
        assert status == 200 and cluster["self"] == cluster["leader"] != 0, cluster
        self.go("#/cluster")
        self.text_in("#cluster-leader", str(cluster["leader"]))
        self.text_in(f'#cluster-members tr[data-pid="{cluster["self"]}"]', "ALIVE")
        self.text_in(f'#cluster-members tr[data-pid="{cluster["self"]}"]', "this one")
        self.screenshot("cluster", "#cluster-members")
        # a group of three with a suspect and a failed member, given the documented shape
        sample = {"self": 4242, "leader": 4243, "term": 7, "members": [
            {"pid": 4242, "address": "127.0.0.1:7070", "status": "ALIVE", "incarnation": 3},
            {"pid": 4243, "address": "127.0.0.1:7071", "status": "SUSPECT", "incarnation": 5},
            {"pid": 4244, "address": "<b>127.0.0.1:7072</b>", "status": "FAILED", "incarnation": 1}]}
        self.d.execute_async_script(
            "const [sample, done] = arguments;"
            "import('/_/cluster.js').then((m) => { m.leave(); m.draw(document.getElementById('cluster'), sample); done(); })",
            sample)
        self.text_in("#cluster-leader", "4243")
        self.text_in("#cluster-term", "7")
        for pid, status in ((4242, "ALIVE"), (4243, "SUSPECT"), (4244, "FAILED")):
            self.text_in(f'#cluster-members tr[data-pid="{pid}"]', status)
        self.text_in('#cluster-members tr[data-pid="4243"]', "leader")
        self.text_in('#cluster-members tr[data-pid="4242"]', "this one")
        self.text_in('#cluster-members tr[data-pid="4244"]', "<b>127.0.0.1:7072</b>")
        self.screenshot("cluster-members", "#cluster-members")

    def test_no_csp_violation(self):
        bad = self.csp_violations()
        assert not bad, "the page broke its own Content-Security-Policy:\n" + "\n".join(bad)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 64
    jiffyd, src, shots = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    jiffyd = require(jiffyd, "jiffyd")
    clear_failure_shots(shots)
    started = time.monotonic()
    driver = start_browser()
    tmp = tempfile.mkdtemp(prefix="jiffy-console-")
    server = None
    failed = 0
    try:
        config = base_config(src, tmp)
        # readers may open the console too: the scenario of a user who holds one grant
        config["routes"][1]["groups"] = ["Super", "readers"]
        server = Jiffyd(jiffyd, tmp, config)
        c = Console(driver, server, shots)
        for name in [n for n in Console.__dict__ if n.startswith("test_")]:
            t0 = time.monotonic()
            try:
                getattr(c, name)()
                print(f"ok    {name} ({time.monotonic() - t0:.1f} s)")
            except Exception:  # one failure stops the run: later scenarios build on earlier ones
                failed += 1
                print(f"FAIL  {name}\n{traceback.format_exc()}")
                path = os.path.join(shots, f"FAILED-{name}.png")
                driver.save_screenshot(path)
                print(f"screen at the failure: {path}\njiffyd log (tail):\n{server.log_text()}")
                break
    finally:
        try:
            driver.quit()
        finally:
            if server:
                server.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'FAILED' if failed else 'passed'} in {time.monotonic() - started:.1f} s; screenshots in {shots}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
