"""JupyterLab's server for the course: kernel messages reach the browser without waiting.

A slider's new figure goes from the kernel to the browser as a few websocket messages in a
row (the kernel's "busy", the slider's echo, the image). By default the server's sockets
use Nagle's algorithm: a small message that follows one the browser has not yet
acknowledged waits for that acknowledgement, which the browser delays by up to 40 ms. In a
trial on this project's machine, that wait came with about half the presses of a slider's
arrow key, and made the median key-to-image time of a figure that needs no drawing 51 ms
instead of 18 ms. Setting TCP_NODELAY on each kernel's websocket sends every message at
once.

Each kernel also runs numpy's matrix products (BLAS) on one thread. The course's matrices
are small (H from 3 to 48): handing a product to a second thread costs more than it saves.
On this project's 2-core machine, notebook 6 ran top to bottom in 25 s with one thread
against 28 s with two, and notebook 4 in 6.7 s against 7.7 s; the results are the same
(``tests/test_robustness.py`` runs the notebooks so). A variable already set is kept.

``make lab`` (tools/__main__.py), the JupyterHub of deploy/ and the browser tests and
benchmark all read this file.
"""

import os

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

#: the kernels' BLAS threads: one (tools/__main__.py's ONE_BLAS_THREAD, which the tests use, is the same)
ONE_BLAS_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
for name, value in ONE_BLAS_THREAD.items():
    os.environ.setdefault(name, value)  # kernels start with the server's environment


class PromptWebsocketConnection(ZMQChannelsWebsocketConnection):
    """A kernel's websocket that sends each message as soon as it is written (TCP_NODELAY)."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


c.ServerApp.kernel_websocket_connection_class = PromptWebsocketConnection  # noqa: F821 - traitlets' config object
