# A JupyterHub for the course, with nbgrader's exchange: docs/deployment.md explains it.
#
#     cd /srv/jupyterhub && jupyterhub -f /path/to/lstm-backprop/deploy/jupyterhub_config.py
#
# As it stands it is the hub tests/test_jupyterhub.py starts: every user logs in with any
# name (DummyAuthenticator) and every single-user server runs as the OS user that runs the
# hub (SimpleLocalProcessSpawner), so a student can read the lecturer's files, solutions
# included. That is for a trial and for the test; for a real class give each student an OS
# account of their own (docs/deployment.md, "For a real class") and keep the rest.
#
# Settings from the environment (the defaults in brackets):
#   COURSE_ID         nbgrader's course id                           [lstm-backprop]
#   COURSE_EXCHANGE   nbgrader's exchange folder, writable by all    [/srv/nbgrader/exchange]
#   COURSE_HOMES      the folder of the users' home folders          [/srv/lstm-backprop/home]
#   COURSE_LECTURERS  the lecturers' hub names, comma-separated      [lecturer]
#   COURSE_HUB_ADMIN_TOKEN  if set, a service `course-admin` with this API token may create
#                     users, tokens and servers (scripts, and the test, use it)
import os
import sys

c = get_config()  # noqa: F821 - JupyterHub provides it

HERE = os.path.dirname(os.path.abspath(__file__))
#: this folder, with the site-wide nbgrader_config.py and labconfig/ (JupyterLab's news off)
SITE = HERE
#: what students get on top: deploy/students/ (their nbgrader student id, no lecturer tools)
STUDENTS = os.path.join(HERE, "students")
COURSE_ID = os.environ.get("COURSE_ID", "lstm-backprop")
EXCHANGE = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
HOMES = os.environ.get("COURSE_HOMES", "/srv/lstm-backprop/home")
LECTURERS = {name.strip() for name in os.environ.get("COURSE_LECTURERS", "lecturer").split(",") if name.strip()}

# Everything on this machine only; put a TLS-terminating web server in front for a class.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.hub_ip = "127.0.0.1"
c.Spawner.ip = "127.0.0.1"

c.JupyterHub.authenticator_class = "dummy"  # any name logs in: a trial, never a class
c.Authenticator.allow_all = True
c.Authenticator.admin_users = set(LECTURERS)

c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: one OS user for all
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(HOMES, "{username}")

# The single-user servers run from the hub's own Python environment (the course's), with its
# bin/ first on PATH: nbgrader calls `alembic` by name, and a terminal should find `nbgrader`.
BIN = os.path.dirname(sys.executable)
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
if os.getuid() == 0:  # Jupyter refuses to run as root unless told (containers, some VMs)
    c.Spawner.args = ["--allow-root"]
# A lecture starts with every student logging in at once: give a server time to start.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300


def jupyter_config_path(spawner):
    """Where Jupyter and nbgrader look for settings: deploy/students/ first for a student."""
    return os.pathsep.join([SITE] if spawner.user.name in LECTURERS else [STUDENTS, SITE])


c.Spawner.environment = {
    "PATH": os.pathsep.join([BIN, os.environ.get("PATH", os.defpath)]),
    "JUPYTER_CONFIG_PATH": jupyter_config_path,
    "COURSE_ID": COURSE_ID,
    "COURSE_EXCHANGE": EXCHANGE,
}

if os.environ.get("COURSE_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services = [{"name": "course-admin", "api_token": os.environ["COURSE_HUB_ADMIN_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        "services": ["course-admin"],
    }]
