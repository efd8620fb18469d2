"""Kill a training run by SIGKILL at seeded points spread over a training step, an evaluation, a checkpoint write, the
log, the saving of the model and the writing of the summary, and resume it: the last complete checkpoint always loads
and the resumed run ends bit-identical to the uninterrupted one (weights, summary, metric rows without duplicates).
A report killed while it is written leaves the previous one whole, and the next write gives the same bytes.

The points are drawn with a seed that is printed (`GRAPHMER_KILL_SEED` replays a draw); each is `point:n`, the n-th
time the process passes `graphmer.core.kill_point(point)`."""
import json, os, random, shutil, signal, subprocess, sys
from pathlib import Path
import pytest
from graphmer.core import KILL_ENV, default_corpus
from graphmer.extract import build_kg

pytestmark = pytest.mark.slow   # about two minutes: 2 runs per kill point, forked from one process, two points at a time
HERE = Path(__file__).parent
# kill point -> how many times a 24-step run passes it at least (steps 24; evaluations at 8, 16, 24 over 4 batches;
# logs every 4 steps; checkpoints `last` and `step-N` every 4 steps, `best` on improvement; the model and summary once)
POINTS = {"step:forward": 24, "step:backward": 24, "step:optimizer": 24, "eval:batch": 12, "log:csv": 6,
          "checkpoint:model": 12, "checkpoint:files": 12, "checkpoint:swap": 5, "write:trainer_state.json": 12,
          "write:model.safetensors": 1, "write:config.json": 1, "run:saved": 1, "write:summary.json": 1}
N_KILLS = 24

def draw(seed: int) -> list:
    "Every point once (the single-pass ones where they happen), then seeded draws over the points and their passes."
    rnd = random.Random(seed)
    picks = [(p, rnd.randint(1, n)) for p, n in POINTS.items()]
    while len(picks) < N_KILLS:
        p = rnd.choice([p for p, n in POINTS.items() if n > 1]); picks.append((p, rnd.randint(1, POINTS[p])))
    return picks

@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    d = tmp_path_factory.mktemp("killkg")
    for pkg in ("json", "email"): shutil.copytree(default_corpus() / pkg, d / "src" / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([d / "src"], d / "kg", workers=2, progress=False)
    return d / "kg"

def test_killed_anywhere_resumes_bit_identical(kg, tmp_path):
    seed = int(os.environ.get("GRAPHMER_KILL_SEED", random.SystemRandom().randrange(10**6)))
    points = draw(seed)
    print(f"\nkill seed {seed} (replay: GRAPHMER_KILL_SEED={seed}); points: {points}")
    (tmp_path / "points.json").write_text(json.dumps(points))
    r = subprocess.run([sys.executable, str(HERE / "kill_driver.py"), str(kg), str(tmp_path / "work"), str(tmp_path / "points.json"),
                        str(tmp_path / "out.json")], capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, f"seed {seed}: {r.stderr[-3000:]}"
    res = json.loads((tmp_path / "out.json").read_text())
    assert len(res) == N_KILLS >= 20
    for x in res:
        where = f"seed {seed}, killed at {x['point']}:{x['n']}"
        assert x["killed"], f"{where}: the point was not reached (exit {x['exit']})"
        assert x["resumed"] and x["identical"] and not x["duplicate_rows"], f"{where}: {x}"
    print(f"{len(res)} kills, {sum(x['identical'] for x in res)} resumed bit-identical")

def test_killed_report_write_keeps_the_previous_report(tmp_path):
    "SIGKILL while a report's HTML is written: the old file stays whole, no temporary file is taken for it, and the rewrite gives the same bytes."
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A report\n\nSome prose."), nbformat.v4.new_code_cell("1 + 1")])
    src = tmp_path / "r.ipynb"; nbformat.write(nb, src)
    render = [sys.executable, "-c", f"from graphmer.report import to_html; to_html(__import__('pathlib').Path({str(src)!r}))"]
    assert subprocess.run(render, capture_output=True).returncode == 0
    before = (tmp_path / "r.html").read_bytes()
    (tmp_path / "r.html").write_bytes(b"previous report")
    r = subprocess.run(render, env=os.environ | {KILL_ENV: "write:r.html"}, capture_output=True)
    assert r.returncode == -signal.SIGKILL
    assert (tmp_path / "r.html").read_bytes() == b"previous report"           # the previous report, whole
    assert subprocess.run(render, capture_output=True).returncode == 0
    assert (tmp_path / "r.html").read_bytes() == before
