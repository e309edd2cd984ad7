"""Writes data/your_data/labels.csv, the example label file of notebooks/07-your-data.ipynb.

The labels are those of a long-tailed subset of scikit-learn's digits (data/digits/digits.csv):
for digit i the first ⌊140·100^(−i/9)⌋ rows of that digit in the file's order (Cui et al.'s
exponential profile at imbalance ratio 100, 343 rows), in file order. Columns: `digit` (the
single label, 0..9) and three multi-label indicator columns derived from it: `even`, `prime`
(2, 3, 5, 7) and `at_least_5`. Standard library only:

    python3 scripts/data/export_your_data.py
"""
import csv
import hashlib
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "data", "digits", "digits.csv")
OUT = os.path.join(ROOT, "data", "your_data")

with open(SRC, newline="") as f:
    labels = [int(row["target"]) for row in csv.DictReader(f)]
keep = {i: int(140 * (1 / 100) ** (i / 9)) for i in range(10)}
seen = {i: 0 for i in range(10)}
rows = []
for y in labels:
    if seen[y] < keep[y]:
        seen[y] += 1
        rows.append(y)
assert seen == keep, (seen, keep)

lines = ["digit,even,prime,at_least_5"]
for y in rows:
    lines.append(f"{y},{int(y % 2 == 0)},{int(y in (2, 3, 5, 7))},{int(y >= 5)}")
text = "\n".join(lines) + "\n"
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "labels.csv"), "w", newline="") as f:
    f.write(text)
sha = hashlib.sha256(text.encode()).hexdigest()
readme = f"""# An example label file

`labels.csv` is the example input of `notebooks/07-your-data.ipynb` (replace it with your own
labels). Written by `scripts/data/export_your_data.py` from `data/digits/digits.csv`
(scikit-learn's copy of the UCI digits, CC BY 4.0: see data/digits/README.md); do not edit by hand.

- {len(rows)} rows: for digit i the first ⌊140·100^(−i/9)⌋ images of that digit in the file's
  order (Cui et al.'s exponential profile at imbalance ratio 100): {", ".join(f"{i}: {keep[i]}" for i in range(10))}.
- `digit`: the single label 0..9; `even`, `prime` (2, 3, 5, 7) and `at_least_5`: multi-label
  indicators (0/1) derived from it, for the multi-label part of the notebook.
- SHA-256 of `labels.csv`: `{sha}`.
"""
with open(os.path.join(OUT, "README.md"), "w") as f:
    f.write(readme)
print(f"wrote {OUT}/labels.csv: {len(rows)} rows, sha256 {sha}")
