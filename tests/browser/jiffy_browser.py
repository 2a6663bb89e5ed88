"""What the browser suites share: real servers on loopback (jiffyd, Redis),
headless Chromium through WebDriver, and a page helper that waits for things
on screen, signs in and takes screenshots at both viewports.

Every server runs in its own process group and is ended with it (SIGTERM, then
SIGKILL), so no path leaves one behind. start_browser() exits 77 (ctest SKIP)
when selenium, Chromium or chromedriver is missing or Chromium does not start;
check the servers' binaries (require()) before it: a missing one is a failure.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

SKIP = 77
WAIT_S = 15  # liveness bound for one thing to appear on screen
VIEWPORTS = [("1280x800", 1280, 800), ("390x844", 390, 844)]


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


SELENIUM_MISSING = None  # why selenium cannot be imported; start_browser() then skips
try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:  # pragma: no cover - depends on the machine
    SELENIUM_MISSING = f"python3-selenium is not installed ({e}); scripts/deps.sh installs it"
    By = None


def free_port(host="127.0.0.1"):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def require(path, what, package=None):
    """The path of an executable (a name is looked up on PATH); exits 1 (a
    failure, not a skip) naming it when missing."""
    found = shutil.which(path)
    if not found:
        where = "not on PATH" if os.sep not in path else "missing"
        hint = f" (Debian package {package}; scripts/deps.sh installs it)" if package else ""
        print(f"FAIL: {what} {path} is {where}{hint}")
        sys.exit(1)
    return found


class Process:
    """A server in its own process group, its output in `log`."""

    def __init__(self, argv, log, env=None):
        self.log = log
        self.proc = subprocess.Popen(argv, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def running(self):
        return self.proc.poll() is None

    def await_ready(self, ready, what, seconds=30):
        """Polls `ready()` until it holds; a process that exits or stays unready is stopped and raises."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.running():
                self.stop()
                raise RuntimeError(f"{what} exited at start:\n" + self.log_text())
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{what} was not ready in {seconds} s:\n" + self.log_text())

    def log_text(self, tail=6000):
        with open(self.log, errors="replace") as f:
            return f.read()[-tail:]

    def kill9(self):
        """kill -9 of the whole group, reaped."""
        if self.running():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.running():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
                return
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything left of the group
        except ProcessLookupError:
            pass
        self.proc.wait(5)


class Redis(Process):
    """A real redis-server on 127.0.0.1, nothing saved to disk."""

    def __init__(self, binary, tmp):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        super().__init__([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", tmp], os.path.join(tmp, "redis.log"))
        self.await_ready(self.pong, f"redis-server on {self.address}")

    def pong(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")


class Jiffyd(Process):
    """A real jiffyd on `host` (a free HTTP port and, for the cluster bus, a
    free internal port of that address); `config` is the rest of its
    configuration (external/internal_address are added)."""

    def __init__(self, binary, tmp, config, host="127.0.0.1", name="jiffyd", generate_keys=True):
        self.host = host
        self.port = free_port(host)
        self.base = f"http://{host}:{self.port}"
        self.internal_address = f"{host}:{free_port(host)}"
        cfg = dict(config, external_address=f"{host}:{self.port}", internal_address=self.internal_address)
        self.config = os.path.join(tmp, f"{name}.config.json")
        with open(self.config, "w") as f:
            json.dump(cfg, f, indent=2)
        env = dict(os.environ, JIFFY_DATA_DIR=tmp)
        if generate_keys:
            subprocess.run([binary, "--config", self.config, "--generate-keys"], env=env, check=True,
                           stdout=subprocess.DEVNULL, timeout=60)
        super().__init__([binary, "--config", self.config], os.path.join(tmp, f"{name}.log"), env=env)
        self.await_ready(lambda: self.request("GET", "/readyz")[0] == 200, f"{name} on {self.base}")

    def request(self, method, path, body=None, token=None):
        """(status, parsed JSON or text) of one call."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def login(self, email, password):
        status, body = self.request("POST", "/usr/login", {"email": email, "password": password})
        assert status == 200, f"login {email}: {status} {body}"
        return body["token"]


def base_config(src, tmp):
    """The all-in-one sample's models with the console, on SQLite in `tmp`."""
    return {
        "env": "dev",
        "pepper": "console-test-pepper",
        "database": {"db_dialect": "sqlite", "name": os.path.join(tmp, "jiffy.db")},
        "group_leader_kvs": {"local_standalone": {"active": True}},
        "logging": {"active": True, "infoMsgs": True, "warningMsgs": True, "errorMsgs": True},
        "ecdsa384_priv_key_file": os.path.join(tmp, "keys/ec384.priv.pem"),
        "ecdsa384_pub_key_file": os.path.join(tmp, "keys/ec384.pub.pem"),
        "jwt_sign_method": "ES384",
        "jwt_lifetime": 60,
        "auth": {"open_registration": False, "bcrypt_cost": 10},
        "routes": [
            {"plugin": "models", "model_files": [os.path.join(src, "config/models/library.json")]},
            {"plugin": "console"},
        ],
    }


def start_browser():
    """Headless Chromium through chromedriver; exits 77 (SKIP) when either or selenium is missing."""
    if SELENIUM_MISSING:
        skip(SELENIUM_MISSING)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    for exe, pkg in ((chromium, "chromium"), (chromedriver, "chromium-driver")):
        if not os.access(exe, os.X_OK):
            skip(f"{exe} is missing (Debian package {pkg}; scripts/deps.sh installs it)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--no-first-run", "--disable-extensions", "--window-size=1280,800", "--lang=en-US",
              # pages in background tabs keep their timers (the cluster panel refreshes every cycle)
              "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
              "--disable-backgrounding-occluded-windows"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(chromedriver), options=opts)
    except WebDriverException as e:
        skip(f"Chromium did not start: {e.msg}")


def clear_failure_shots(shots):
    os.makedirs(shots, exist_ok=True)
    for old in os.listdir(shots):  # a picture of an earlier failure would mislead
        if old.startswith("FAILED-"):
            os.remove(os.path.join(shots, old))


class Page:
    """Waits for things on screen in the current window of `driver`."""

    def __init__(self, driver, shots):
        self.d = driver
        self.shots = shots

    def wait(self, cond, what, timeout=WAIT_S):
        """Polls `cond` until it holds; an element the page redrew meanwhile (stale) is looked up again."""
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.2,
                                 ignored_exceptions=[StaleElementReferenceException]).until(cond)
        except TimeoutException:
            raise AssertionError(f"not on screen within {timeout} s: {what}") from None

    def css(self, sel):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, sel)), sel)

    def click(self, sel):
        el = self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, sel)), sel)
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        el.click()
        return el

    def text_in(self, sel, text, timeout=WAIT_S):
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, sel), text), f"{sel} containing {text!r}",
                  timeout)

    def type(self, sel, text):
        el = self.css(sel)
        el.clear()  # fires no input event: the page's search boxes listen for one
        self.d.execute_script("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", el)
        el.send_keys(text)
        return el

    def go(self, hash_):
        self.d.execute_script("location.hash = arguments[0]", hash_)

    def viewport(self, w, h):
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 600})

    def screenshot(self, name, ready_sel):
        """Both viewports; the desktop one stays set afterwards."""
        self.d.execute_script("document.getElementById('toast').className = ''")  # the picture is of the screen
        for label, w, h in reversed(VIEWPORTS):
            self.viewport(w, h)
            self.css(ready_sel)
            # two animation frames: the resized layout has been painted
            self.d.execute_async_script("const done = arguments[0];"
                                        "requestAnimationFrame(() => requestAnimationFrame(() => done()))")
            path = os.path.join(self.shots, f"{name}-{label}.png")
            assert self.d.save_screenshot(path), f"could not save {path}"

    def sign_in(self, email, password):
        self.type("#signin-email", email)
        self.type("#signin-password", password)
        self.click("#signin-submit")

    def csp_violations(self):
        return [e["message"] for e in self.d.get_log("browser")
                if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
