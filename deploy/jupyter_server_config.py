"""Every hub user's Jupyter server (deploy/ is on everyone's JUPYTER_CONFIG_PATH): the course
JupyterLab's server settings, from tools/lab_config/jupyter_server_config.py (kernel messages
reach the browser without waiting, so sliders follow the hand; kernels run BLAS on one thread)."""

import os

load_subconfig(  # noqa: F821 - traitlets' config loader
    os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tools", "lab_config",
                 "jupyter_server_config.py"))
