# The course's two commands: `make lab` opens it, `make test` checks it.
# Both set up .venv (once, and again when pyproject.toml changes) with only Python 3.10+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# One stamp per set of extras, each redone when pyproject.toml changes: `make lab` installs
# only the lab; `make grading` adds nbgrader; `make test` (and CI) installs all three.
STAMP       := $(VENV)/.installed-lab
GRADE_STAMP := $(VENV)/.installed-grade
TEST_STAMP  := $(VENV)/.installed-test
$(STAMP):       EXTRAS := lab
$(GRADE_STAMP): EXTRAS := lab,grade
$(TEST_STAMP):  EXTRAS := lab,test,grade

.PHONY: lab test student notebooks exercises grading site bench clean

# Jupyter refuses to run as root unless told to (containers and some VMs run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

# Serves the whole course (notebooks/ and the students' exercises/), opening on notebooks/.
lab: $(STAMP)
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

# Re-execute every notebook top to bottom and store its outputs (what nbval then compares).
# First give every new cell a slide type, so each notebook also plays as a slideshow.
notebooks: $(STAMP)
	$(BIN)/python tools/slides.py notebooks/*.ipynb
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False notebooks/*.ipynb
	$(BIN)/python tools/make_exercises.py

# The student's own copy: exercises/*.ipynb -> my-work/ (git-ignored). Run again for new
# exercises; a notebook the student changed is kept, never overwritten. Standard library
# only, so it needs no install.
student:
	@$(PYTHON) tools/student_copy.py exercises my-work

# The students' notebooks: exercises/NN_name.ipynb, made from notebooks/ with every
# solution replaced by `raise NotImplementedError("hint")` and the outputs cleared.
exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py

# nbgrader's course folder, for lecturers: grading/source/psNN_name/NN_name.ipynb from
# notebooks/, in the students' order with the solutions kept and every check autograded
# (plus grading/nbgrader_config.py, written once). README: "Grading with nbgrader".
grading: $(GRADE_STAMP)
	$(BIN)/python tools/make_grading.py --out grading

# The notebooks as static HTML with their stored outputs, for reading without a kernel,
# and the course's notation (docs/notation.md) as a page of the same site.
site: $(STAMP)
	$(BIN)/python tools/site.py site

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_notebooks.py

$(STAMP) $(GRADE_STAMP) $(TEST_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "lstm-backprop needs Python 3.10 or newer; run make with PYTHON=python3.x")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis site tests/browser/screenshots
