"""Exports scikit-learn's copy of the UCI "Optical Recognition of Handwritten Digits" data set to
data/digits/ (a CSV and a README with its provenance, licence and checksum).

The long-tailed study (crates/reweigh-ledger/src/longtail/) builds long-tailed training sets
from it (Cui et al.'s exponential profile, imbalance ratios 10, 50 and 100) and a balanced
held-out test set, and tests the long-tail papers' claims on them.

Run: ~/.cache/reweigh/ref-venv/bin/python scripts/data/export_digits.py
(the venv is made by `bash scripts/reference/generate.sh --venv-only`).
"""
import csv
import hashlib
import io
import os

import numpy as np
import sklearn
from sklearn.datasets import load_digits

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "digits")
SCRIPT = "scripts/data/export_digits.py"

bunch = load_digits()
x, y = bunch.data, bunch.target
counts = np.bincount(y)
assert x.shape == (1797, 64), x.shape
assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180], counts
# the pixels are integer counts 0..16: write them as integers
assert np.all(x == np.round(x)) and x.min() == 0 and x.max() == 16
names = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]

buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(names + ["target"])
for row, label in zip(x.astype(int), y):
    w.writerow([int(v) for v in row] + [int(label)])
text = buf.getvalue()
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "digits.csv"), "w", newline="") as f:
    f.write(text)
sha = hashlib.sha256(text.encode()).hexdigest()

readme = f"""# Optical Recognition of Handwritten Digits

`digits.csv` is scikit-learn's copy of the test set of the UCI "Optical Recognition of Handwritten
Digits" data set, exported by `{SCRIPT}` from `sklearn.datasets.load_digits()` (scikit-learn
{sklearn.__version__}, numpy {np.__version__}). Do not edit by hand; rerun the script.

- {x.shape[0]} rows, {x.shape[1]} integer features `pixel_<row>_<column>` (an 8×8 image: the number
  of "on" pixels, 0..16, in each 4×4 block of a 32×32 bitmap), then `target`, the digit 0..9.
- Rows per digit 0..9: {", ".join(str(c) for c in counts)} (the smallest class has {counts.min()}).
- In scikit-learn's row order.
- SHA-256 of `digits.csv`: `{sha}`.

## Use in reweigh

The long-tailed study of the ledger (`reweigh_ledger::longtail`) holds out a balanced test set
and draws long-tailed training sets from the rest following Cui et al. (CVPR 2019)'s exponential
profile n_i = n_max·ρ^(−i/(C−1)) for imbalance ratios ρ = 10, 50 and 100.

## Provenance

- Creators: E. Alpaydin and C. Kaynak, Department of Computer Engineering, Bogazici University,
  Istanbul, July 1998. Bitmaps extracted with NIST's preprocessing programs from forms filled in
  by 43 people (30 for the UCI training set, 13 others for the test set copied here).
- UCI Machine Learning Repository, "Optical Recognition of Handwritten Digits",
  https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits,
  DOI 10.24432/C50P49.
- References: C. Kaynak (1995), Methods of Combining Multiple Classifiers and Their Applications
  to Handwritten Digit Recognition, MSc thesis, Bogazici University; E. Alpaydin, C. Kaynak
  (1998), Cascading Classifiers, Kybernetika.
- Distributed with scikit-learn as `sklearn/datasets/data/digits.csv.gz`.

## Licence

The UCI Machine Learning Repository distributes this data set under the Creative Commons
Attribution 4.0 International licence (CC BY 4.0): reuse requires attribution to the creators and
the repository as above. scikit-learn, which ships the copy exported here, is BSD-3-Clause licensed.
"""
with open(os.path.join(OUT, "README.md"), "w") as f:
    f.write(readme)
print(f"wrote {OUT}: {x.shape}, counts {counts.tolist()}, sha256 {sha}")
