"""Counting the labels of one large Parquet file: reweigh's command line against polars and pandas.

Usage (`cli_counts.sh` sets up the virtualenv, builds the binary and passes --reweigh):

    bash scripts/bench/cli_counts.sh [--rows N] [--classes K] [--seed S] [--repeats R]
                                     [--dir DIR] [--keep]
    python scripts/bench/cli_counts.py [--reweigh target/release/reweigh] [same options]

It writes (outside the repo: a fresh temporary directory, or --dir) a Parquet file with one int64
column `label` of --rows labels over --classes classes, drawn with numpy's default_rng(--seed) from
the long-tailed p_c ∝ 1 / (c + 1), in chunks of 10^7 rows through pyarrow's ParquetWriter (its
default row groups). Then, in a fresh process each time, so that each peak is that tool's own:

- reweigh: `reweigh weights --labels FILE --column label --format json --scheme balanced`;
- polars lazy streaming: pl.scan_parquet(FILE).select(pl.col("label").value_counts())
  .collect(engine="streaming");
- polars eager: pl.read_parquet(FILE, columns=["label"])["label"].value_counts();
- pandas: pd.read_parquet(FILE, columns=["label"])["label"].value_counts().

The Python tools run as `python cli_counts.py --child TOOL FILE`: import, read, count, print the
counts as JSON. The rounds are interleaved (every tool once per round, --repeats rounds); the wall
time is the whole child process's (time.perf_counter around it, start-up included), the table
shows its median, and the peak RSS is ru_maxrss from os.wait4 (the largest over the rounds; it
includes the pages of files the process memory-maps), the peak anonymous memory the largest
RssAnon of /proc/PID/status sampled every 5 ms (heap and buffers: what bounded memory bounds).
`python -c "import polars"` and `python -c "import pandas"` are timed once on their own, so that
start-up can be told apart from counting. The file is read from the page cache (it was just
written). Every tool's counts must equal the generated labels' (np.bincount while writing; classes
with no label left out); the script exits 1 if any differs, naming it. A reweigh output that is not
one of the JSON shapes of `parse_counts` is shown (its first 300 characters) and left unchecked.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHUNK = 10_000_000  # labels generated and written at a time: bounds the generator's memory
REWEIGH = "reweigh"
# the Python tools, in the table's order: name -> what the child (`--child NAME FILE`) runs
PYTHON_TOOLS = ["polars lazy streaming", "polars eager", "pandas"]
IMPORTS = ["polars", "pandas"]  # timed once on their own: `python -c "import NAME"`


def count_in_child(tool, path):
    """The child's work for one Python tool: counts as {"classes": [...], "counts": [...]}."""
    if tool == "pandas":
        import pandas as pd

        counts = pd.read_parquet(path, columns=["label"])["label"].value_counts()
        return {"classes": counts.index.tolist(), "counts": counts.tolist()}
    import polars as pl

    if tool == "polars lazy streaming":
        frame = (
            pl.scan_parquet(path)
            .select(pl.col("label").value_counts())
            .collect(engine="streaming")
            .unnest("label")
        )
    else:
        frame = pl.read_parquet(path, columns=["label"])["label"].value_counts()
    return {"classes": frame["label"].to_list(), "counts": frame["count"].to_list()}


def generate_in_child(path, rows, classes, seed):
    """Writes the labels to `path`; returns their counts, the row groups and numpy's and pyarrow's
    versions (the parent imports neither: see `run`)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, classes + 1)
    p /= p.sum()
    counts = np.zeros(classes, dtype=np.int64)
    schema = pa.schema([("label", pa.int64())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, CHUNK):
            labels = rng.choice(classes, size=min(CHUNK, rows - start), p=p).astype(np.int64)
            counts += np.bincount(labels, minlength=classes)
            writer.write_table(pa.table({"label": labels}, schema=schema))
    return {
        "classes": list(range(classes)),
        "counts": counts.tolist(),
        "row_groups": pq.ParquetFile(path).metadata.num_row_groups,
        "numpy": np.__version__,
        "pyarrow": pa.__version__,
    }


def sample_anon(pid, peak):
    """Samples the child's anonymous resident memory (RssAnon of /proc/PID/status: heap and
    buffers, not the pages of files it maps) every 5 ms until it exits; peak[0] is the largest,
    in MiB. ru_maxrss counts mapped file pages too, and polars memory-maps the Parquet file."""
    while True:
        try:
            with open(f"/proc/{pid}/status") as f:
                anon = [line for line in f if line.startswith("RssAnon:")]
        except OSError:
            return
        if not anon:  # exited (a zombie has no memory lines)
            return
        peak[0] = max(peak[0], int(anon[0].split()[1]) / 1024)
        time.sleep(0.005)


def run(cmd):
    """Runs `cmd` to the end: (wall seconds, peak RSS MiB, stdout, peak anonymous MiB). Exits if
    it fails.

    ru_maxrss of a child starts at this process's own peak RSS (exec takes over the memory
    high-water mark of the image it replaces), so this process imports nothing heavy: it spawns a
    child for the generation too, and the table states the floor (`true` run the same way).
    stdout and stderr go to temporary files, so no pipe can fill up and block the child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        anon = [0.0]
        sampler = threading.Thread(target=sample_anon, args=(proc.pid, anon))
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        sampler.join()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(
                f"{' '.join(cmd)} failed (exit {proc.returncode}):\n"
                f"{err.read().decode(errors='replace')[-3000:]}"
            )
        return wall, usage.ru_maxrss / 1024, out.read().decode(errors="replace"), anon[0]


def parse_counts(text):
    """{class: count} (count > 0) from a JSON object with either
    - "classes" and "counts" at the top level, lists of the same length (what the children print;
      `{"scheme": "balanced", "classes": [0, 1], "counts": [3, 1], "weights": [...]}`), or
    - "counts" an object from class (a string of the integer) to count (`{"counts": {"0": 3}}`);
    None for anything else."""
    try:
        obj = json.loads(text)
        counts = obj["counts"]
        if isinstance(counts, dict):
            pairs = counts.items()
        elif isinstance(obj["classes"], list) and len(obj["classes"]) == len(counts):
            pairs = zip(obj["classes"], counts)
        else:
            return None
        return {int(c): int(n) for c, n in pairs if int(n) > 0}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")),
                model,
            )
    except OSError:
        pass
    return f"{model}, nproc {len(os.sched_getaffinity(0))}"


def first_difference(got, want):
    """How two {class: count} differ: the number of classes and the first one."""
    diff = sorted(c for c in got.keys() | want.keys() if got.get(c, 0) != want.get(c, 0))
    c = diff[0]
    return f"classes differing: {len(diff)}, e.g. class {c}: {got.get(c, 0)} vs {want.get(c, 0)}"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3, help="rounds; the table shows medians")
    ap.add_argument("--reweigh", help="the reweigh binary (no reweigh row without it)")
    ap.add_argument("--dir", help="where the Parquet file goes (default: a fresh temporary dir)")
    ap.add_argument("--keep", action="store_true", help="keep the Parquet file (and its dir)")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rows < 1 or args.classes < 1 or args.repeats < 1:
        ap.error("--rows, --classes and --repeats must be positive")
    if args.reweigh and not os.access(args.reweigh, os.X_OK):
        ap.error(f"--reweigh {args.reweigh}: not an executable file")
    if args.dir and os.path.realpath(args.dir).startswith(os.path.realpath(ROOT) + os.sep):
        ap.error(f"--dir {args.dir}: inside the repository")
    return args


def main():
    args = parse_args()
    if args.child:
        tool, path = args.child
        if tool == "generate":
            result = generate_in_child(path, args.rows, args.classes, args.seed)
        else:
            result = count_in_child(tool, path)
        print(json.dumps(result))
        return 0

    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    workdir = args.dir or tempfile.mkdtemp(prefix="reweigh-cli-counts-")
    path = os.path.join(workdir, f"labels_{args.rows}x{args.classes}_seed{args.seed}.parquet")
    try:
        return measure(args, path)
    finally:
        if not args.keep:
            if args.dir:
                if os.path.exists(path):
                    os.remove(path)
            else:
                shutil.rmtree(workdir, ignore_errors=True)


def measure(args, path):
    me = [sys.executable, os.path.abspath(__file__)]
    sizes = ["--rows", str(args.rows), "--classes", str(args.classes), "--seed", str(args.seed)]
    print(f"generating {path} ...", file=sys.stderr)
    gen_s, _, out, _ = run(me + sizes + ["--child", "generate", path])
    generated = json.loads(out)
    truth = parse_counts(out)
    size_mib = os.path.getsize(path) / 2**20
    print(
        f"generated {args.rows} labels over {args.classes} classes: {size_mib:.1f} MiB on disk, "
        f"row groups: {generated['row_groups']}, in {gen_s:.1f} s"
    )

    commands = {}
    if args.reweigh:
        commands[REWEIGH] = [args.reweigh, "weights", "--labels", path, "--column", "label"]
        commands[REWEIGH] += ["--format", "json", "--scheme", "balanced"]
    for tool in PYTHON_TOOLS:
        commands[tool] = me + ["--child", tool, path]

    walls = {tool: [] for tool in commands}
    peaks = {tool: [] for tool in commands}
    anons = {tool: [] for tool in commands}
    wrong = {}  # tool -> how its counts differ from the generated ones
    unparsed = {}  # tool -> the start of an output that parse_counts does not read
    for r in range(args.repeats):
        for tool, cmd in commands.items():
            wall, peak, out, anon = run(cmd)
            walls[tool].append(wall)
            peaks[tool].append(peak)
            anons[tool].append(anon)
            progress = f"round {r + 1}/{args.repeats} {tool}: {wall:.2f} s, {peak:.0f} MiB"
            print(progress, file=sys.stderr)
            counts = parse_counts(out)
            if counts is None:
                unparsed[tool] = out[:300]
            elif counts != truth:
                wrong.setdefault(tool, first_difference(counts, truth))

    startup = {}  # import name -> (wall s, peak MiB, version)
    for name in IMPORTS:
        wall, peak, out, _ = run(
            [sys.executable, "-c", f"import {name}; print({name}.__version__)"]
        )
        startup[name] = (wall, peak, out.strip())
    floor = run(["true"])[1]

    print()
    print(
        f"| tool | wall s (median of {args.repeats}) | peak RSS MiB | peak anonymous MiB "
        "| time vs reweigh | memory vs reweigh |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    wall = {tool: statistics.median(w) for tool, w in walls.items()}
    peak = {tool: max(p) for tool, p in peaks.items()}
    anon = {tool: max(p) for tool, p in anons.items()}
    for tool in commands:
        if REWEIGH in commands:
            ratios = f"{wall[tool] / wall[REWEIGH]:.2f}x | {anon[tool] / anon[REWEIGH]:.2f}x"
        else:
            ratios = "– | –"
        print(f"| {tool} | {wall[tool]:.2f} | {peak[tool]:.0f} | {anon[tool]:.0f} | {ratios} |")
    print()
    print("| start-up only | wall s (once) | peak RSS MiB |")
    print("| --- | ---: | ---: |")
    for name, (s, mib, _) in startup.items():
        print(f'| `python -c "import {name}"` | {s:.2f} | {mib:.0f} |')
    print()
    print(
        f"{machine()}; {args.rows} rows, {args.classes} classes, seed {args.seed}, "
        f"{size_mib:.1f} MiB Parquet (row groups: {generated['row_groups']}; read from the page "
        "cache); "
        f"polars {startup['polars'][2]}, pandas {startup['pandas'][2]}, "
        f"pyarrow {generated['pyarrow']}, numpy {generated['numpy']}. Wall time is the whole "
        f"process (start-up included); peak RSS is ru_maxrss, which cannot show less than the "
        f"{floor:.0f} MiB of `true` run the same way and counts the pages of files the process "
        "maps (reweigh's polars memory-maps the Parquet file); peak anonymous is the largest "
        "RssAnon sampled every 5 ms (heap and buffers). Ratios are the tool's over reweigh's, "
        "memory by peak anonymous (above 1: reweigh is faster / smaller)."
    )
    if not args.reweigh:
        print("reweigh: not measured (no --reweigh; cli_counts.sh passes the release binary).")

    for tool, start in unparsed.items():
        print(f"{tool}: counts not checked, its output is not a JSON shape read here; it began:")
        print(start)
    for tool, how in wrong.items():
        print(f"MISMATCH: {tool}'s counts are not the generated labels' ({how})")
    checked = [t for t in commands if t not in unparsed]
    if not wrong:
        print(f"counts checked: {', '.join(checked)} equal the generated labels'")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
