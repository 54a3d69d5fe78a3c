"""The course's commands and the tools behind them.

Run from the repository's root, on any system with Python 3.10 or newer:

    python -m tools lab        # open the course in JupyterLab (what `make lab` runs)
    python -m tools test       # run every test (what `make test` runs)
    python -m tools --help     # every command

Each tool is a module of this package and runs on its own too, as
``python -m tools.make_exercises`` (or ``python tools/make_exercises.py``):

- :mod:`tools.solutions`: the one parser of the solution blocks (``### BEGIN SOLUTION``);
- :mod:`tools.make_exercises`: the students' notebooks, ``exercises/``;
- :mod:`tools.make_grading`: nbgrader's source, ``grading/source/``;
- :mod:`tools.slides`: every cell's slide type;
- :mod:`tools.site`: the static site, ``site/``;
- :mod:`tools.student_copy`: the student's own copy, ``my-work/`` (standard library only);
- :mod:`tools.record_torch_results`: PyTorch's results that notebook 07 compares with.
"""
