# nbgrader's site-wide settings for the course on a JupyterHub (docs/deployment.md).
# jupyterhub_config.py puts this folder on every user's JUPYTER_CONFIG_PATH, so nbgrader
# reads this file wherever a user runs it; a course folder's own nbgrader_config.py (the
# lecturer's, from `make grading`) is read after it and may add to it.
import os

c = get_config()  # noqa: F821 - nbgrader provides it

# One course, one exchange: where the lecturer releases and collects and the students fetch
# and submit. The folder must exist and be writable by every user (see docs/deployment.md).
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "lstm-backprop")
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")

# `nbgrader collect` checks that each submission is owned by the OS user named like its
# student, and warns "cheating attempt?" of each that is not. Where the students share one OS
# user (SimpleLocalProcessSpawner, DockerSpawner's `jovyan`) none is, so the check is off here.
# With one OS account per student, named as on the hub, delete this line: the check is useful.
c.ExchangeCollect.check_owner = False
