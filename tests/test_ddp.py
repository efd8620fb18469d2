"""Several processes through torchrun and DistributedDataParallel (gloo, on this CPU): two processes at accumulation 1
follow the same loss curve as one process at accumulation 2 (the same global batch), to float tolerance; checkpoints
are written once, by rank 0; a run cut short on two processes resumes on one, and the other way round, and ends where
an uninterrupted run ends. (Dropout is off here: each process draws its own dropout masks, so with dropout on the
curves agree only statistically.)"""
import json, socket, subprocess, sys
from pathlib import Path
import pytest, torch
from safetensors.torch import load_file

SCRIPT = Path(__file__).with_name("ddp_script.py")

def _port() -> int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def train(run, procs=1, accum=1, *extra):
    pre = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={procs}", f"--master_port={_port()}"] if procs > 1 else [sys.executable]
    r = subprocess.run(pre + [str(SCRIPT), str(run), "--accum", str(accum), *extra], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads([l for l in r.stdout.splitlines() if l.startswith("{")][-1])

def curve(run) -> dict:
    return {r["step"]: r for r in map(json.loads, (Path(run) / "metrics.jsonl").read_text().splitlines())}

def weights(run) -> dict: return load_file(str(Path(run) / "checkpoints" / "last" / "model.safetensors"))

def close(a: dict, b: dict, keys=("loss", "mlm_loss", "mnm_loss", "val_loss")):
    assert a.keys() == b.keys()
    for s in a:
        for k in keys:
            if a[s].get(k) is not None: assert a[s][k] == pytest.approx(b[s][k], rel=1e-5, abs=1e-6), (s, k, a[s][k], b[s][k])

@pytest.fixture(scope="module")
def single(tmp_path_factory):
    run = tmp_path_factory.mktemp("ddp") / "single"; res = train(run, 1, 2)
    return run, res

def test_two_processes_follow_one_process_at_the_same_global_batch(single, tmp_path):
    run1, r1 = single
    r2 = train(tmp_path / "ddp", 2, 1)
    assert r2["world"] == 2 and (r2["step"], r2["tokens"], r2["samples"]) == (r1["step"], r1["tokens"], r1["samples"])
    close(curve(run1), curve(tmp_path / "ddp"))
    a, b = weights(run1), weights(tmp_path / "ddp")
    assert all(torch.allclose(a[k], b[k], rtol=1e-4, atol=1e-6) for k in a)
    assert sorted(p.name for p in (tmp_path / "ddp" / "checkpoints").iterdir()) == sorted(p.name for p in (run1 / "checkpoints").iterdir())

@pytest.mark.parametrize("first,then", [(2, 1), (1, 2)])
def test_resume_with_another_number_of_processes(single, tmp_path, first, then):
    run1, _ = single
    run = tmp_path / "cut"
    assert train(run, first, 2 // first, "--until", "3")["step"] == 3
    assert train(run, then, 2 // then, "--resume")["step"] == 6
    close(curve(run1), curve(run))
    a, b = weights(run1), weights(run)
    assert all(torch.allclose(a[k], b[k], rtol=1e-4, atol=1e-6) for k in a)
