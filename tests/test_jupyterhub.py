"""The course on a real JupyterHub, with nbgrader's exchange: deploy/ as docs/deployment.md gives it.

A JupyterHub on 127.0.0.1 (free ports, a temporary folder) runs deploy/jupyterhub_config.py
with its proxy: a lecturer and two students, each with a single-user server. The students
log in through the hub's login form and follow nbgitpuller's ``git-pull`` link to a git
repository of the course; a pull after a new commit keeps a student's edit; a cell of the
pulled notebook runs in a student's kernel. A student's server has none of nbgrader's
lecturer tools, and nobody's JupyterLab asks to fetch news. Then the exchange, every
command run by ``nbgrader`` in the user's own kernel (the user's environment, home and
JUPYTERHUB_USER, as in a terminal there): the lecturer builds the course folder with
tools/make_grading.py and releases ps02_state_gradient; each student fetches it, writes a
solution (saved through the server's contents API, as JupyterLab saves) and submits; the
lecturer collects, autogrades, generates and releases feedback; each student fetches it.
The correct submission gets full marks, and the one without path 2 its diagnosis.

Every wait polls for readiness and checks that the processes are alive; HANG_GUARD only
stops a hang. Everything started is stopped at the end, also on failure: kernels, servers,
the proxy and the hub. Skips when jupyterhub, a configurable-http-proxy, nbgitpuller or
nbgrader is missing; fails instead when CI is set.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from course_tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent  # jupyterhub, nbgrader and alembic: the venv's
GRADING = load_tool("make_grading")
LESSON = ROOT / "notebooks" / "02_state_gradient.ipynb"
ASSIGNMENT = GRADING.assignment_name(LESSON)  # ps02_state_gradient
NOTEBOOK_ID = LESSON.stem
COURSE_ID = "lstm-backprop"
LECTURER, RIGHT, WRONG = "lecturer", "alice", "bob"
USERS = (LECTURER, RIGHT, WRONG)
#: only against a hang: every wait returns as soon as what it waits for is ready, and fails
#: at once when a process it waits on has died
HANG_GUARD = 1800.0
#: the same, for one HTTP request (a loaded machine answers slowly, but it answers)
REQUEST_TIMEOUT = 600.0
POLL = 0.25


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the JupyterHub test must run there)")
    pytest.skip(reason)


def _started(pid: int) -> str | None:
    """When process ``pid`` started (from /proc), or None if it has ended: with the pid, it
    names one process, never a later one that got the same pid."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]  # a zombie has ended; field 22: start time


def _end(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the servers, kernels and proxy each lead a session of their own
    except ProcessLookupError:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Hub:
    """A JupyterHub running deploy/jupyterhub_config.py, and what it started."""

    def __init__(self, folder: Path, proxy: str):
        import requests

        self.folder, self.homes, self.exchange = folder, folder / "home", folder / "exchange"
        state = folder / "hub"
        for path in (state, self.homes, self.exchange):
            path.mkdir()
        self.exchange.chmod(0o777)
        self.log_path = state / "jupyterhub.log"
        port, api_port, hub_port = _free_ports(3)
        self.url = f"http://127.0.0.1:{port}"
        self.admin_token = uuid.uuid4().hex
        self.admin = requests.Session()
        self.admin.headers["Authorization"] = f"token {self.admin_token}"
        self.tokens, self.pids, self.kernels = {}, {}, []
        env = dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", os.defpath)]),
                   COURSE_ID=COURSE_ID, COURSE_EXCHANGE=str(self.exchange), COURSE_HOMES=str(self.homes),
                   COURSE_LECTURERS=LECTURER, COURSE_HUB_ADMIN_TOKEN=self.admin_token)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(DEPLOY / "jupyterhub_config.py"), f"--port={port}",
                 f"--JupyterHub.hub_port={hub_port}", f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
                 f"--ConfigurableHTTPProxy.command={proxy}"],
                cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.proxy_pid_file = state / "jupyterhub-proxy.pid"

    # ------------------------------------------------------------------ waiting

    def log_tail(self, n: int = 6000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]

    def check_alive(self, what: str = "") -> None:
        if self.process.poll() is not None:
            pytest.fail(f"JupyterHub exited ({self.process.returncode}) {what}:\n{self.log_tail()}")

    def wait(self, ready, what: str):
        """Poll ``ready()`` until it returns something true, while the hub lives."""
        deadline = time.monotonic() + HANG_GUARD
        while True:
            self.check_alive(f"while waiting for {what}")
            result = ready()
            if result:
                return result
            if time.monotonic() > deadline:
                pytest.fail(f"hang guard: no {what} after {HANG_GUARD:.0f} s:\n{self.log_tail()}")
            time.sleep(POLL)

    def wait_up(self) -> None:
        import requests

        def up():
            try:
                return self.admin.get(f"{self.url}/hub/api/", timeout=REQUEST_TIMEOUT).status_code == 200
            except requests.ConnectionError:
                return False
        self.wait(up, "hub answering through its proxy")
        if self.proxy_pid_file.exists():
            self.started("proxy", int(self.proxy_pid_file.read_text().strip()))

    def started(self, what: str, pid: int) -> None:
        """Remember a process the hub started for the test, to end it if the hub does not."""
        if what not in self.pids and _started(pid):
            self.pids[what] = (pid, _started(pid))

    # ------------------------------------------------------------- the hub's API

    def api(self, method: str, path: str, **kwargs):
        response = self.admin.request(method, f"{self.url}/hub/api/{path}", timeout=REQUEST_TIMEOUT, **kwargs)
        assert response.status_code < 300, f"{method} /hub/api/{path}: {response.status_code} {response.text[:2000]}"
        return response.json() if response.content else None

    def add_users(self, names) -> None:
        self.api("POST", "users", json={"usernames": list(names)})
        for name in names:
            self.tokens[name] = self.api("POST", f"users/{name}/tokens", json={"note": "the JupyterHub test"})["token"]

    def start_servers(self, names) -> None:
        for name in names:
            self.admin.post(f"{self.url}/hub/api/users/{name}/server", timeout=REQUEST_TIMEOUT).raise_for_status()
        for name in names:
            def ready(name=name):
                server = self.api("GET", f"users/{name}")["servers"].get("")
                if server is None:
                    pytest.fail(f"{name}'s server failed to start:\n{self.log_tail()}")
                if (server.get("state") or {}).get("pid"):
                    self.started(f"server of {name}", server["state"]["pid"])
                return server["ready"]
            self.wait(ready, f"{name}'s server")

    def user_session(self, name: str):
        import requests

        session = requests.Session()
        session.headers["Authorization"] = f"token {self.tokens[name]}"
        return session

    def user_url(self, name: str, path: str) -> str:
        return f"{self.url}/user/{name}/{path}"

    def home(self, name: str) -> Path:
        return self.homes / name

    # ------------------------------------------------------------------ stopping

    def stop(self) -> None:
        """Stop the kernels, the servers, the hub and its proxy; then end whatever is left."""
        with ThreadPoolExecutor(max(1, len(self.kernels))) as pool:
            list(pool.map(Kernel.close, self.kernels))
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops every server, then its proxy
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        def left():
            return {what: pid for what, (pid, start) in self.pids.items() if _started(pid) == start}
        for pid in left().values():
            _end(pid)
        deadline = time.monotonic() + 60
        while left() and time.monotonic() < deadline:
            time.sleep(POLL)
        assert not left(), f"still running after the test: {left()}"


class Kernel:
    """A kernel in a user's single-user server, driven as JupyterLab drives it: REST and websocket."""

    def __init__(self, hub: Hub, user: str):
        import websocket

        self.hub, self.user = hub, user
        self.session = hub.user_session(user)
        response = self.session.post(hub.user_url(user, "api/kernels"), json={"name": "python3"},
                                     timeout=REQUEST_TIMEOUT)
        assert response.status_code == 201, f"{user}: no kernel: {response.status_code} {response.text[:2000]}"
        self.id, self.closed = response.json()["id"], False
        hub.kernels.append(self)
        url = hub.user_url(user, f"api/kernels/{self.id}/channels").replace("http://", "ws://")
        self.socket = websocket.create_connection(url, header=[f"Authorization: token {hub.tokens[user]}"],
                                                  timeout=REQUEST_TIMEOUT)
        self.socket.settimeout(5)  # how often run() looks whether the hub still lives
        self.client_session = uuid.uuid4().hex
        hub.started(f"kernel {self.id} of {user}", int(self.run("import os; print(os.getpid())").strip()))

    def run(self, code: str) -> str:
        """Execute ``code``; return what it printed. Fails with the traceback if it raised."""
        import websocket

        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.user,
                       "session": self.client_session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        output, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + HANG_GUARD
        while not (replied and idle):
            try:
                message = json.loads(self.socket.recv())
            except websocket.WebSocketTimeoutException:
                self.hub.check_alive(f"while {self.user}'s kernel ran {code[:200]!r}")
                if time.monotonic() > deadline:
                    pytest.fail(f"hang guard: {self.user}'s kernel still running {code[:200]!r}")
                continue
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind == "error":
                error = "\n".join(content["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        text = "".join(output)
        if error is not None:
            pytest.fail(f"{self.user}'s kernel raised running {code[:300]!r}:\n{error}\n{text[-3000:]}")
        return text

    def nbgrader(self, *args: str, cwd: str = ".") -> str:
        """``nbgrader <args>`` run from this kernel, as the user would in a terminal; its output."""
        out = self.run("import subprocess\n"
                       f"_run = subprocess.run(['nbgrader', *{list(args)!r}], cwd={cwd!r}, "
                       "capture_output=True, text=True)\n"
                       "print(_run.stdout + _run.stderr)\nprint('nbgrader exit status', _run.returncode)")
        assert out.rstrip().endswith("nbgrader exit status 0"), \
            f"`nbgrader {' '.join(args)}` as {self.user} failed:\n{out[-5000:]}"
        return out

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.socket.close()
            self.session.delete(self.hub.user_url(self.user, f"api/kernels/{self.id}"), timeout=REQUEST_TIMEOUT)
        except Exception:  # noqa: BLE001 - the server may be gone already; Hub.stop ends the process
            pass


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    for module, what in (("jupyterhub", "jupyterhub"), ("nbgitpuller", "nbgitpuller"), ("nbgrader", "nbgrader"),
                         ("websocket", "websocket-client"), ("requests", "requests")):
        if importlib.util.find_spec(module) is None:
            _missing(f'{what} is not installed: pip install -e ".[test,grade]"')
    for command in ("jupyterhub", "nbgrader", "alembic"):
        if not (BIN / command).exists():
            _missing(f"`{command}` is not in {BIN}")
    proxy = shutil.which("configurable-http-proxy", path=os.pathsep.join([os.environ.get("PATH", ""), str(BIN)]))
    if proxy is None:
        _missing("no configurable-http-proxy on PATH: pip install configurable-http-proxy (the test extra has "
                 "it), or npm install --prefix DIR configurable-http-proxy with DIR/node_modules/.bin on PATH")
    if shutil.which("git") is None:
        _missing("git is not installed (nbgitpuller runs it)")
    hub = Hub(tmp_path_factory.mktemp("jupyterhub"), proxy)
    try:
        hub.wait_up()
        hub.add_users(USERS)
        hub.start_servers(USERS)
        yield hub
    finally:
        hub.stop()


# ------------------------------------------------------------ the course, pulled


def _course_repository(folder: Path) -> Path:
    """A git repository of the course's notebooks, on branch main, as a lecturer's would be."""
    repo = folder / "lstm-backprop"
    for part in ("notebooks", "exercises"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "the course")
    return repo


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=lecturer", "-c", "user.email=lecturer@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


def _login(hub: Hub, name: str):
    """A browser's session: the hub's login form (DummyAuthenticator takes any password)."""
    import requests

    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=REQUEST_TIMEOUT).raise_for_status()
    response = session.post(f"{hub.url}/hub/login", timeout=REQUEST_TIMEOUT, allow_redirects=False,
                            data={"username": name, "password": "any", "_xsrf": session.cookies.get("_xsrf")})
    assert response.status_code == 302, f"{name} could not log in: {response.status_code} {response.text[:1000]}"
    return session


def _git_pull(hub: Hub, session, name: str, repo: Path) -> None:
    """Follow the git-pull link (docs/deployment.md's form) as a browser does; then run the pull
    its page runs, and open the folder it then opens."""
    page = session.get(f"{hub.url}/hub/user-redirect/git-pull?repo={repo.as_uri()}&branch=main"
                       "&urlpath=lab/tree/lstm-backprop/notebooks", timeout=REQUEST_TIMEOUT)
    assert page.status_code == 200 and urllib.parse.urlparse(page.url).path == f"/user/{name}/git-pull", \
        (page.status_code, page.url)
    events = []
    api = urllib.parse.urlencode({"repo": repo.as_uri(), "branch": "main"})
    with session.get(hub.user_url(name, f"git-pull/api?{api}"), stream=True, timeout=HANG_GUARD) as stream:
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: "):]))
    assert events and events[-1].get("phase") == "finished", events
    opened = session.get(hub.user_url(name, "lab/tree/lstm-backprop/notebooks"), timeout=REQUEST_TIMEOUT)
    assert opened.status_code == 200


def test_students_pull_the_course_from_a_git_pull_link_and_run_it(hub, tmp_path):
    repo = _course_repository(tmp_path)
    sessions = {name: _login(hub, name) for name in (RIGHT, WRONG)}
    for name, session in sessions.items():
        _git_pull(hub, session, name, repo)
        assert (hub.home(name) / "lstm-backprop" / "notebooks" / LESSON.name).exists()

    # a student's edit survives the lecturer's next commit
    mine = hub.home(RIGHT) / "lstm-backprop" / "exercises" / LESSON.name
    edited = nbformat.read(mine, as_version=4)
    edited.cells.insert(0, nbformat.v4.new_markdown_cell("my note"))
    nbformat.write(edited, mine)
    (repo / "notebooks" / "errata.md").write_text("A fix, mid-semester.\n", encoding="utf-8")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "errata")
    _git_pull(hub, sessions[RIGHT], RIGHT, repo)
    assert (hub.home(RIGHT) / "lstm-backprop" / "notebooks" / "errata.md").exists()
    assert nbformat.read(mine, as_version=4).cells[0].source == "my note"

    # a cell of the pulled notebook, in the student's own kernel
    first = next(c for c in nbformat.read(mine, as_version=4).cells if c.cell_type == "code")
    kernel = Kernel(hub, RIGHT)
    out = kernel.run(first.source + "\nimport os\nprint(lc.__name__, os.environ['JUPYTERHUB_USER'], os.getcwd())")
    assert out.split()[-3:] == ["lstm_core", RIGHT, str(hub.home(RIGHT))], out


def test_students_get_no_lecturer_tools_and_nobody_a_news_prompt(hub):
    for name in USERS:
        session = hub.user_session(name)
        formgrader = session.get(hub.user_url(name, "formgrader"), allow_redirects=False,
                                 timeout=REQUEST_TIMEOUT).status_code
        lab = session.get(hub.user_url(name, "lab"), timeout=REQUEST_TIMEOUT)
        assert lab.status_code == 200
        page_config = json.loads(html.unescape(re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', lab.text, re.S).group(1)))
        # disabled, and locked: JupyterLab's plugin manager cannot turn them back on
        disabled = set(page_config["disabledExtensions"]) & set(page_config["lockedExtensions"])
        assert "@jupyterlab/apputils-extension:announcements" in disabled, name
        lecturer_tools = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list"}
        if name == LECTURER:
            assert formgrader in (200, 302) and not lecturer_tools & set(page_config["disabledExtensions"])
        else:
            assert formgrader == 404 and lecturer_tools <= disabled, (name, formgrader, page_config)
            assert "@jupyter/nbgrader:assignment-list" not in disabled  # fetch and submit from the lab


# ----------------------------------------------------------------- the exchange


def _solutions() -> tuple[dict, dict]:
    """``(right, wrong)``: each solution cell's source by grade_id, from the lecturer's source
    notebook; the wrong one with state_gradient's path 2 left out."""
    source = GRADING.grading_notebook(LESSON)
    right = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            right[meta["grade_id"]] = "\n".join(line for line in cell.source.split("\n")
                                                if line.strip() not in (GRADING.BEGIN, GRADING.END))
    lines = right["state_gradient"].split("\n")
    kept = [line for line in lines if "path 2" not in line or line.lstrip().startswith("#")]
    assert len(kept) == len(lines) - 1, "state_gradient's solution should add path 2 on one line marked 'path 2'"
    return right, {**right, "state_gradient": "\n".join(kept)}


def _write_solution(hub: Hub, name: str, sources: dict) -> None:
    """Write the student's functions into the fetched notebook and save it, as JupyterLab does."""
    session = hub.user_session(name)
    url = hub.user_url(name, f"api/contents/{ASSIGNMENT}/{LESSON.name}")
    model = session.get(url, timeout=REQUEST_TIMEOUT)
    assert model.status_code == 200, f"{name} has no fetched {ASSIGNMENT}: {model.status_code}"
    nb = model.json()["content"]
    filled = set()
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            assert "raise NotImplementedError" in "".join(cell["source"])
            cell["source"] = sources[meta["grade_id"]]
            filled.add(meta["grade_id"])
    assert filled == set(sources)
    saved = session.put(url, json={"type": "notebook", "format": "json", "content": nb}, timeout=REQUEST_TIMEOUT)
    assert saved.status_code == 200, saved.text[:2000]


def _feedback(hub: Hub, name: str) -> str:
    found = list((hub.home(name) / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK_ID}.html"))
    assert len(found) == 1, f"{name}'s fetched feedback: {found}"
    return html.unescape(re.sub(r"<[^>]+>", "", found[0].read_text(encoding="utf-8")))


def test_the_exchange_grades_each_student_across_the_hub(hub):
    from nbgrader.api import Gradebook

    right, wrong = _solutions()
    submissions = {RIGHT: right, WRONG: wrong}
    lecturer = Kernel(hub, LECTURER)
    # docs/deployment.md: the course folder; its nbgrader_config.py takes the hub's course id and exchange
    lecturer.run("import subprocess, sys\n"
                 f"subprocess.run([sys.executable, {str(ROOT / 'tools' / 'make_grading.py')!r}, '--out', 'course'], "
                 "check=True)")
    lecturer.nbgrader("generate_assignment", ASSIGNMENT, cwd="course")
    lecturer.nbgrader("release_assignment", ASSIGNMENT, cwd="course")
    assert (hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT / LESSON.name).exists()

    with ThreadPoolExecutor(len(submissions)) as pool:
        students = dict(zip(submissions, pool.map(lambda name: Kernel(hub, name), submissions)))

        def fetch_and_submit(name):
            students[name].nbgrader("fetch_assignment", ASSIGNMENT)
            _write_solution(hub, name, submissions[name])
            return students[name].nbgrader("submit", ASSIGNMENT)
        list(pool.map(fetch_and_submit, submissions))

        collected = lecturer.nbgrader("collect", ASSIGNMENT, cwd="course")
        for name in submissions:
            assert f"Collecting submission: {name} {ASSIGNMENT}" in collected, collected
        assert "cheating attempt?" not in collected  # ExchangeCollect.check_owner: one OS user for all
        lecturer.nbgrader("autograde", ASSIGNMENT, cwd="course")
        lecturer.nbgrader("generate_feedback", ASSIGNMENT, cwd="course")
        lecturer.nbgrader("release_feedback", ASSIGNMENT, cwd="course")
        list(pool.map(lambda name: students[name].nbgrader("fetch_feedback", ASSIGNMENT), submissions))

    with Gradebook(f"sqlite:///{hub.home(LECTURER) / 'course' / 'gradebook.db'}") as gradebook:
        scores = {name: gradebook.find_submission_notebook(NOTEBOOK_ID, ASSIGNMENT, name) for name in submissions}
        scores = {name: (notebook.score, notebook.max_score) for name, notebook in scores.items()}
    points = sum(GRADING.exercise_points(GRADING.grading_notebook(LESSON)).values())
    feedback = {name: _feedback(hub, name) for name in submissions}
    assert scores[RIGHT] == (points, points), feedback[RIGHT][-3000:]
    assert "✓ state_gradient: correct on 5 cases" in feedback[RIGHT]
    assert scores[WRONG] == (0, points), feedback[WRONG][-3000:]
    assert "AssertionError: ✗ state_gradient: looks like path 2" in feedback[WRONG], feedback[WRONG][-3000:]


# ----------------------------------------------------------------- deploy/, read


def _load_config(path: Path, env: dict):
    from traitlets.config.loader import PyFileConfigLoader

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        return PyFileConfigLoader(path.name, str(path.parent)).load_config()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_the_deploy_configs_set_what_the_exchange_needs():
    site = _load_config(DEPLOY / "nbgrader_config.py", {"COURSE_ID": "c1", "COURSE_EXCHANGE": "/x/exchange"})
    assert site.CourseDirectory.course_id == "c1" and site.Exchange.root == "/x/exchange"
    assert site.ExchangeCollect.check_owner is False
    assert "student_id" not in site.CourseDirectory  # the lecturer collects and grades every student
    students = _load_config(DEPLOY / "students" / "nbgrader_config.py", {"JUPYTERHUB_USER": "alice"})
    assert students.CourseDirectory.student_id == "alice"

    hub = _load_config(DEPLOY / "jupyterhub_config.py", {"COURSE_LECTURERS": "lecturer", "COURSE_EXCHANGE": "/x/e"})
    assert hub.JupyterHub.ip == hub.JupyterHub.hub_ip == hub.Spawner.ip == "127.0.0.1"
    environment = hub.Spawner.environment
    assert environment["COURSE_EXCHANGE"] == "/x/e" and environment["PATH"].split(os.pathsep)[0] == str(BIN)

    class Spawner:  # what the hub hands a callable in Spawner.environment
        def __init__(self, name):
            self.user = type("User", (), {"name": name})()
    config_path = environment["JUPYTER_CONFIG_PATH"]
    assert config_path(Spawner("lecturer")).split(os.pathsep) == [str(DEPLOY)]
    assert config_path(Spawner("alice")).split(os.pathsep) == [str(DEPLOY / "students"), str(DEPLOY)]


def test_the_deployment_guide_shows_the_deploy_files_as_they_are():
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for path in ("jupyterhub_config.py", "nbgrader_config.py", "students/nbgrader_config.py",
                 "students/jupyter_server_config.json", "students/labconfig/page_config.json",
                 "labconfig/page_config.json"):
        text = (DEPLOY / path).read_text(encoding="utf-8")
        if path.endswith(".json"):
            json.loads(text)
        assert f"\n{text}```" in guide, f"docs/deployment.md should show deploy/{path} as it is"
