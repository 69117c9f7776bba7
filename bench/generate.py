#!/usr/bin/env python3
"""Generates a project of N realistic submissions for the benchmarks.

Each submission is one of the shipped regions (regions/*.toml) under a new id and region
name, with its workshops' entries shuffled and lightly reworded, so that files differ the
way real submissions do while staying valid. Deterministic: the same N gives the same files.

    python3 bench/generate.py N OUT_DIR
"""

import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REWORDINGS = [
    ("migrant workers", "migrant labourers"),
    ("Ensure", "Guarantee"),
    ("the right to", "the right of migrants to"),
    ("governments", "states"),
    ("Lack of", "Absence of"),
    ("access to", "access for migrants to"),
]


def reword(text: str, rng: random.Random) -> str:
    for old, new in REWORDINGS:
        if old in text and rng.random() < 0.3:
            text = text.replace(old, new, 1)
    return text


def shuffle_list_lines(lines, rng):
    """Shuffles runs of list lines (entries of issues = [...]) in place."""
    out, run = [], []
    for line in lines:
        if line.startswith("  \"") and line.rstrip().endswith(","):
            run.append(line)
            continue
        if run:
            rng.shuffle(run)
            out.extend(run)
            run = []
        out.append(line)
    out.extend(run)
    return out


def main() -> None:
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    (out / "regions").mkdir(parents=True)
    shutil.copy(ROOT / "report.toml", out / "report.toml")
    seeds = sorted((ROOT / "regions").glob("*.toml"))
    rng = random.Random(2013)
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        new_id = f"{seed.stem}-{i:04d}"
        text = re.sub(r'^id = "[^"]*"', f'id = "{new_id}"', text, count=1, flags=re.M)
        text = re.sub(r'^region = "([^"]*)"', rf'region = "\1 {i}"', text, count=1, flags=re.M)
        lines = shuffle_list_lines(text.split("\n"), rng)
        lines = [reword(line, rng) if line.startswith("  \"") else line for line in lines]
        (out / "regions" / f"{new_id}.toml").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
