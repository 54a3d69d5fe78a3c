# The course's two commands: `make lab` opens it, `make test` checks it (`make check`: the fast part).
# Every target is `python -m tools <target>` (tools/__main__.py), which works without make too
# (Windows: `py -m tools lab`). The first run of a target sets up .venv with what it needs, and
# again only when pyproject.toml changes; it needs nothing but Python 3.10+.

PYTHON ?= python3
COURSE := $(PYTHON) -m tools
# make test WITH=torch also installs the torch extra (PyTorch, CPU) and compares with it (CI does)
WITH_EXTRAS := $(foreach extra,$(WITH),--with $(extra))

.PHONY: lab test check student notebooks exercises grading site bench clean

# The students' JupyterLab on the whole course (notebooks/ and exercises/), opening on notebooks/,
# without nbgrader's or the hub's extensions (tools/lab_config/).
lab:
	$(COURSE) lab

# Everything CI runs.
test:
	$(COURSE) test $(WITH_EXTRAS)

# The fast loop while working (well under a minute): the engine, checks and figure tests, without
# notebooks, browser or slow tests (markers in pyproject.toml, given in tests/conftest.py).
check:
	$(COURSE) check $(WITH_EXTRAS)

# The student's own copy: exercises/*.ipynb -> my-work/ (git-ignored). Run again for new
# exercises; a notebook the student changed is kept, never overwritten. Standard library
# only, so it needs no install.
student:
	@$(COURSE) student

# Re-execute every notebook top to bottom and store its outputs (what nbval then compares);
# first give every new cell a slide type; then rebuild exercises/.
notebooks:
	$(COURSE) notebooks

# The students' notebooks: exercises/NN_name.ipynb, made from notebooks/ with every
# solution replaced by `raise NotImplementedError("hint")` and the outputs cleared.
exercises:
	$(COURSE) exercises

# nbgrader's course folder, for lecturers: grading/source/psNN_name/NN_name.ipynb
# (plus grading/nbgrader_config.py, written once). README: "Grading with nbgrader".
grading:
	$(COURSE) grading

# The notebooks as static HTML with their stored outputs, for reading without a kernel,
# and the course's notation (docs/notation.md) as a page of the same site.
site:
	$(COURSE) site

bench:
	$(COURSE) bench

clean:
	rm -rf .venv *.egg-info .pytest_cache .hypothesis site tests/browser/screenshots
