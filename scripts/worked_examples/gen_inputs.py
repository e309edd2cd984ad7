"""Writes the inputs of the Q&A threads' worked examples into data/worked_examples/ (numpy only).

Each file records the thread, the code that produced the numbers, and the arrays. Run with any
Python 3 that has numpy >= 1.17 (the legacy RandomState stream of np.random.seed is stable).
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "data", "worked_examples")
os.makedirs(OUT, exist_ok=True)


def write(name, doc):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, indent=1 if len(json.dumps(doc)) < 10000 else None)
        f.write("\n")


# Seed 000, answer by DankMasterDan (Stack Overflow 44560549): the sparse example.
np.random.seed(123)
logits = np.random.randint(0, 10, 30).reshape(6, 5).astype(np.float32)
labels = np.random.randint(0, 5, 6)
write("seed000_sparse.json", {
    "thread": "Unbalanced data and weighted cross entropy (Stack Overflow 44560549), answer by DankMasterDan",
    "code": "np.random.seed(123); logits = np.random.randint(0, 10, 30).reshape(6, 5) (float32); "
            "labels = np.random.randint(0, 5, 6); class_weights = [0.3, 0.1, 0.2, 0.3, 0.1]",
    "numpy": np.__version__,
    "logits": logits.tolist(),
    "labels": labels.tolist(),
    "class_weights": [0.3, 0.1, 0.2, 0.3, 0.1],
})

# Seed 002 (multi-label, 512 labels, ~5 positives per row): a seeded batch like the thread's
# torch.randn(64, 512) logits; labels with about 5 positives per row (the question's description,
# rather than the answer's randint(0, 2) labels, which are half positive).
rng = np.random.default_rng(2)
n, c = 64, 512
x = rng.standard_normal((n, c)).astype(np.float32)
z = np.zeros((n, c), dtype=np.float32)
for i in range(n):
    z[i, rng.choice(c, size=5, replace=False)] = 1.0
write("seed002_multilabel.json", {
    "thread": "Multi label classification with unbalanced labels (512 labels, ~5 positives per vector)",
    "code": "rng = np.random.default_rng(2); logits = rng.standard_normal((64, 512)) (float32); "
            "5 positives per row at rng.choice(512, 5, replace=False)",
    "numpy": np.__version__,
    "logits": x.tolist(),
    "labels": z.tolist(),
})
print("wrote", sorted(os.listdir(OUT)))
