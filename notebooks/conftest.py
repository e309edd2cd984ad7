"""pytest hooks for `pytest --nbval notebooks/` (run by scripts/test.sh).

nbval re-executes every notebook and compares each code cell's fresh outputs with the stored
ones, but it skips the comparison for a cell that was never executed (execution_count null): a
cell added without re-running the notebook would pass with no stored output. This adds one
test per notebook, "stored-outputs", which fails unless every code cell was executed, in one
top-to-bottom run (strictly increasing execution counts), with the project kernel "reweigh".
Refresh a notebook's outputs with scripts/test.sh --refresh.
"""

import json

import pytest


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".ipynb" and parent.config.option.nbval:
        return StoredOutputsFile.from_parent(parent, path=file_path)
    return None


class StoredOutputsFile(pytest.File):
    def collect(self):
        yield StoredOutputsItem.from_parent(self, name="stored-outputs")


class StoredOutputsItem(pytest.Item):
    def runtest(self):
        nb = json.loads(self.path.read_text(encoding="utf-8"))
        kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
        if kernel != "reweigh":
            raise StoredOutputsError(f"kernelspec is {kernel!r}, not 'reweigh'")
        last = 0
        code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        for index, cell in enumerate(code_cells):  # numbered as nbval numbers them ("Cell 3")
            count = cell.get("execution_count")
            if count is None:
                raise StoredOutputsError(f"Cell {index} was never executed")
            if count <= last:
                raise StoredOutputsError(
                    f"Cell {index} has execution count {count} after {last}: "
                    "the outputs do not come from one top-to-bottom run"
                )
            last = count

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, StoredOutputsError):
            return f"{self.path.name}: {excinfo.value} (run scripts/test.sh --refresh)"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::stored-outputs"


class StoredOutputsError(Exception):
    pass
