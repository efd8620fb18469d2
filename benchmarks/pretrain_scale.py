"""Issue 13: token-level pretraining on >= 100 MB of real Python on one GPU, run as jobs of about ten minutes.

Each `train` call resumes the run where the last one stopped (the KG and the windows, once built, are reused; SIGTERM
from the job's time limit ends the step under way and writes the checkpoint). `evaluate` scores the finished run on
its held-out test files (MLM/MNM accuracy, perplexity, collapse checks) and on link prediction. Every call packs the
run's small files (config, summary, metrics, evaluation, the KG's manifest, the data statistics, the usage samples) into
OUT/results.tgz, which `nbs/scale.ipynb` turns into the report.

    python benchmarks/pretrain_scale.py corpus --min-mb 100                 # the corpus: stdlib + installed packages
    python benchmarks/pretrain_scale.py train --budget 520 --out $OUT       # one job: build/prepare if needed, train, stop by SIGTERM
    python benchmarks/pretrain_scale.py evaluate --out $OUT                 # after the last job
    python benchmarks/pretrain_scale.py heldout --checkpoint step-001000 --out $OUT   # an unfinished run: held-out checks of a periodic checkpoint
"""
import argparse, json, os, shutil, signal, subprocess, sys, sysconfig, tarfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("torch", "pandas", "scipy", "sklearn", "sympy", "transformers", "networkx", "numpy", "matplotlib")  # in this order, until min_mb
RUN = "runs/scale/base-100mb"
TRAIN = dict(model_size="base", vocab_size=50000, steps=2500, batch_size=256, lr=2e-4, warmup=300, eval_every=1000, save_every=1000,
             workers=12, device="cuda", progress=False, save_every_minutes=4)

def py_mb(d: Path) -> float:
    "Megabytes of Python source under `d`, outside the folders the KG builder skips (an installed package's own site-packages, caches)."
    from graphmer.extract import EXCLUDED_DIRS
    return sum(p.stat().st_size for p in d.rglob("*.py") if not EXCLUDED_DIRS.intersection(p.relative_to(d).parts[:-1])) / 1e6

def corpus(min_mb: float = 100) -> list[tuple[str, float]]:
    "The interpreter's standard library, then installed packages of PACKAGES in order, until their Python sources reach `min_mb`."
    paths = sysconfig.get_paths(); out = [(paths["stdlib"], py_mb(Path(paths["stdlib"])))]
    for name in PACKAGES:
        if sum(mb for _, mb in out) >= min_mb: break
        d = Path(paths["purelib"]) / name
        if d.is_dir(): out.append((str(d), py_mb(d)))
    return out

def sample_usage(pid: int, csv_path: Path, stop: threading.Event, every: float = 2.0):
    "Append (time, GPU utilisation %, GPU memory MB, resident memory MB of the process tree) to `csv_path` every `every` s."
    import psutil
    try:
        import pynvml; pynvml.nvmlInit(); h = pynvml.nvmlDeviceGetHandleByIndex(0)
        gpu = lambda: (pynvml.nvmlDeviceGetUtilizationRates(h).gpu, pynvml.nvmlDeviceGetMemoryInfo(h).used / 2**20)
    except Exception: gpu = lambda: ("", "")
    new = not csv_path.exists()
    with open(csv_path, "a") as f:
        if new: f.write("time,gpu_util,gpu_mem_mb,rss_mb\n")
        while not stop.wait(every):
            try: p = psutil.Process(pid); procs = [p] + p.children(recursive=True)
            except psutil.Error: break                     # the job itself has ended
            rss = 0
            for q in procs:                                # a child (a loader worker, a compile worker) may end while it is read
                try: rss += q.memory_info().rss
                except psutil.Error: pass
            rss /= 2**20
            u, m = gpu(); f.write(f"{time.time():.1f},{u},{m if m == '' else round(m)},{rss:.0f}\n"); f.flush()

def kg_record(kg: Path) -> dict:
    "The KG's manifest without its per-file lists (their lengths instead), with the size of its tables on disk."
    m = json.loads((kg / "manifest.json").read_text())
    for k in ("inputs", "undecided"): m[f"n_{k}"] = len(m.pop(k, []))
    m["disk_mb"] = round(sum(p.stat().st_size for p in kg.iterdir() if p.is_file()) / 1e6, 1)
    return m

def collect(out: Path, run: Path, kg: Path, roots: list):
    "Pack the run's small files (its per-query ranks too, for paired tests) into out/results.tgz (the device returns at most 8 files)."
    data = next(iter(sorted(kg.glob("prep-*"))), None)
    if (kg / "manifest.json").exists(): (out / "kg.json").write_text(json.dumps(kg_record(kg) | dict(corpus=[dict(path=d, py_mb=round(mb, 1)) for d, mb in roots]), indent=1))
    cfg = run / "config.json" if (run / "config.json").exists() else run / "checkpoints" / "last" / "config.json"   # an unfinished run: its checkpoint's
    files = {"config.json": cfg, "summary.json": run / "summary.json", "metrics.jsonl": run / "metrics.jsonl",
             "eval.json": run / "eval.json", "eval_ranks.parquet": run / "eval_ranks.parquet", "heldout.json": run / "heldout.json", "kg.json": out / "kg.json",
             "validation.json": kg / "validation.json", "usage.csv": out / "usage.csv", "train.log": out / "train.log"}
    if data: files |= {"prep.json": data / "prep.json", "stats.json": data / "samples" / "stats.json"}
    with tarfile.open(out / "results.tgz", "w:gz") as t:
        for name, p in files.items():
            if p.exists(): t.add(p, arcname=name)
    print("packed", [n for n, p in files.items() if p.exists()], flush=True)

def train(budget: int, out: Path, min_mb: float, overrides: dict):
    from graphmer.runs import RunConfig
    roots = corpus(min_mb); print("corpus", roots, f"{sum(mb for _, mb in roots):.1f} MB", flush=True)
    params = TRAIN | overrides | dict(corpus=",".join(d for d, _ in roots), data_workers=os.cpu_count(), run_dir=RUN, resume=True)
    args = [sys.executable, "-m", "graphmer.cli", "train"] + [x for k, v in params.items() for x in (f"--{k.replace('_', '-')}", str(v))]
    log = open(out / "train.log", "a"); log.write(f"\n=== job at {time.strftime('%Y-%m-%d %H:%M:%S')}, budget {budget} s\n"); log.flush()
    t0 = time.time(); p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    stop = threading.Event(); th = threading.Thread(target=sample_usage, args=(p.pid, out / "usage.csv", stop), daemon=True); th.start()
    try: rc = p.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM); rc = p.wait()          # the trainer ends its step and writes the checkpoint
    stop.set(); th.join(); log.close()
    print(f"train rc {rc} after {time.time() - t0:.0f} s", flush=True)
    collect(out, ROOT / RUN, RunConfig(corpus=params["corpus"], run_dir=RUN, resume=True).kg_path, roots)

def checkpoint_as_run(checkpoint: str) -> Path:
    "Make a periodic checkpoint of the run loadable as a run (its split files, and the validation loss logged at its step as summary.json); returns its path."
    run = ROOT / RUN; ck = run / "checkpoints" / checkpoint
    step = json.loads((ck / "trainer_state.json").read_text())["step"]
    ev_row = next(r for r in map(json.loads, (run / "metrics.jsonl").read_text().splitlines()) if r["step"] == step and r.get("val_loss") is not None)
    for n in ("split.json", "test_triples.parquet"): shutil.copy(run / n, ck / n)
    (ck / "summary.json").write_text(json.dumps(dict(steps=step, val_loss=ev_row["val_loss"])))   # what Evaluation checks the weights against
    return ck

def evaluate(out: Path, min_mb: float, max_queries: int, baselines: str):
    """The held-out checks and the collapse checks of the finished run (written and packed first, so a job cut off keeps them), then
    link prediction on both splits against `baselines`. A run stopped after its last validation but before its final weights is
    scored from its last checkpoint (said in eval.json's run_dirs)."""
    from graphmer.runs import EvalConfig, Evaluation, RunConfig
    run = ROOT / RUN; roots = corpus(min_mb)
    kg = RunConfig(corpus=",".join(d for d, _ in roots), run_dir=RUN, resume=True).kg_path
    where = run if (run / "summary.json").exists() else checkpoint_as_run("last")
    print("evaluating", where, flush=True)
    ev = Evaluation(EvalConfig(run_dir=str(where), max_queries=max_queries, baselines=baselines, device="auto", progress=False)); t = time.perf_counter()
    def stage(name): getattr(ev, name)(); print(f"{name}: {time.perf_counter() - t:.0f} s", flush=True)
    for name in ("load", "make_queries", "heldout"): stage(name)          # before the baselines: only the run itself is scored
    (run / "heldout.json").write_text(json.dumps(ev.heldout_metrics, indent=1, default=float)); collect(out, run, kg, roots)
    for name in ("train_baselines", "rank", "verdict", "copyable", "ceilings", "length_bias", "extraction"): stage(name)
    ev.save()
    if where != run: shutil.copy(where / "eval.json", run / "eval.json")
    collect(out, run, kg, roots)

def heldout_at(checkpoint: str, out: Path, windows: int = 2000, files: int = 50):
    "Held-out MLM/MNM and the collapse checks of an unfinished run's periodic checkpoint (one evaluated on the validation split while training)."
    from graphmer.runs import EvalConfig, Evaluation
    ck = checkpoint_as_run(checkpoint); t = time.perf_counter()
    ev = Evaluation(EvalConfig(run_dir=str(ck), baselines="none", max_queries=1, heldout_windows=windows, parse_files=files, device="auto", progress=False, prior="none"))
    ev.load(); ev.make_queries(); h = ev.heldout()
    h |= dict(seconds=time.perf_counter() - t, checkpoint=checkpoint)
    (out / "heldout.json").write_text(json.dumps(h, default=float)); print(h)

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("corpus", "train", "evaluate", "heldout"))
    ap.add_argument("--checkpoint", default="step-001000", help="heldout: the periodic checkpoint of an unfinished run to score")
    ap.add_argument("--min-mb", type=float, default=100); ap.add_argument("--budget", type=int, default=520)
    ap.add_argument("--out", default=str(ROOT / "runs" / "scale" / "out")); ap.add_argument("--max-queries", type=int, default=2000)
    ap.add_argument("--baselines", default="copy,frequency,random", help="evaluate: the baselines scored beside the run (the ablations would each "
                    "train as long as the run; the KGE ones need PyKEEN, which the GPU machine lacks)")
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="override a training parameter (a rehearsal: --set device=cpu model_size=tiny)")
    a = ap.parse_args(); out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    if a.what == "corpus": print(",".join(d for d, _ in corpus(a.min_mb)))
    elif a.what == "train": train(a.budget, out, a.min_mb, dict(kv.split("=", 1) for kv in a.set))
    elif a.what == "heldout": heldout_at(a.checkpoint, out)
    else: evaluate(out, a.min_mb, a.max_queries, a.baselines)
