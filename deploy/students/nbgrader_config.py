# nbgrader's settings for students only (docs/deployment.md): jupyterhub_config.py puts
# this folder on a student's JUPYTER_CONFIG_PATH, before the site-wide folder above it.
import os

c = get_config()  # noqa: F821 - nbgrader provides it

# nbgrader names a student after their OS user. On a hub whose students share one OS user
# (SimpleLocalProcessSpawner, DockerSpawner) that name is the same for all of them, so name
# them by their hub account. Not for the lecturer: `nbgrader collect`, `autograde` and
# `release_feedback` would then handle only the student named like the lecturer.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
