"""Exports scikit-learn's copy of the UCI Wisconsin Diagnostic Breast Cancer data set to
data/breast_cancer/ (a CSV and a README with its provenance, licence and checksum).

The seed-003 thread asks whether a 1.7 : 1 class imbalance needs class weights or resampling;
this data set has 212 malignant and 357 benign tumours (1 : 1.68), the thread's ratio, and the
ledger (crates/reweigh-ledger/src/thread_003.rs) answers the question on it with cross-validation.

Run: ~/.cache/reweigh/ref-venv/bin/python scripts/data/export_breast_cancer.py
(the venv is made by `bash scripts/reference/generate.sh --venv-only`).
"""
import csv
import hashlib
import io
import os

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "breast_cancer")
SCRIPT = "scripts/data/export_breast_cancer.py"

bunch = load_breast_cancer()
x, y = bunch.data, bunch.target
names = [n.replace(" ", "_") for n in bunch.feature_names]
counts = np.bincount(y)
assert list(bunch.target_names) == ["malignant", "benign"], bunch.target_names
assert x.shape == (569, 30) and counts.tolist() == [212, 357], (x.shape, counts)

buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(names + ["target"])
for row, label in zip(x, y):
    # repr of a float64 is the shortest string that reads back to the same number
    w.writerow([repr(float(v)) for v in row] + [int(label)])
text = buf.getvalue()
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "breast_cancer.csv"), "w", newline="") as f:
    f.write(text)
sha = hashlib.sha256(text.encode()).hexdigest()

readme = f"""# Breast Cancer Wisconsin (Diagnostic)

`breast_cancer.csv` is scikit-learn's copy of the UCI Wisconsin Diagnostic Breast Cancer (WDBC)
data set, exported by `{SCRIPT}` from `sklearn.datasets.load_breast_cancer()` (scikit-learn
{sklearn.__version__}, numpy {np.__version__}). Do not edit by hand; rerun the script.

- {x.shape[0]} rows, {x.shape[1]} real-valued features (mean, standard error and "worst" value of ten
  measurements of cell nuclei in a digitised image of a fine needle aspirate), then `target`.
- `target`: 0 = malignant ({counts[0]} rows), 1 = benign ({counts[1]} rows), scikit-learn's
  encoding. Ratio benign : malignant = {counts[1] / counts[0]:.4f} : 1, the imbalance of the seed-003
  thread ("approx. 1.7 : 1").
- Values are written with Python's `repr` of the float64 that scikit-learn loads (shortest
  round-trip form), in scikit-learn's row order.
- SHA-256 of `breast_cancer.csv`: `{sha}`.

## Provenance

- Creators: Dr. William H. Wolberg (General Surgery Dept., University of Wisconsin), W. Nick
  Street and Olvi L. Mangasarian (Computer Sciences Dept., University of Wisconsin), 1995.
- UCI Machine Learning Repository, "Breast Cancer Wisconsin (Diagnostic)",
  https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic,
  DOI 10.24432/C5DW2B.
- Reference: W. N. Street, W. H. Wolberg and O. L. Mangasarian, "Nuclear feature extraction for
  breast tumor diagnosis", IS&T/SPIE 1993 International Symposium on Electronic Imaging: Science
  and Technology, volume 1905, pages 861-870.
- Distributed with scikit-learn as `sklearn/datasets/data/breast_cancer.csv`.

## Licence

The UCI Machine Learning Repository distributes this data set under the Creative Commons
Attribution 4.0 International licence (CC BY 4.0): reuse requires attribution to the creators and
the repository as above. scikit-learn, which ships the copy exported here, is BSD-3-Clause licensed.
"""
with open(os.path.join(OUT, "README.md"), "w") as f:
    f.write(readme)
print(f"wrote {OUT}: {x.shape}, counts {counts.tolist()}, sha256 {sha}")
