"""The HTML reports of a small main-job run open offline in headless Chromium: no JavaScript error, no request leaving the
machine, every plotly figure drawn, loaded in < 5 s. A screenshot of each page goes to reports/screenshots/.

Chromium and its WebDriver come from apt (`make browser`, run by `make test`); selenium is in the dev extra.
GRAPHMER_BROWSER_REPORTS=reports checks the reports of an existing `make report` instead of making a small run."""
import base64, json, os, re, shutil, subprocess, sys, time
from pathlib import Path
import pytest
from graphmer.core import default_corpus, project_path, project_root

ROOT = project_root()
SHOTS = ROOT / "reports" / "screenshots"
MAX_LOAD_S = 5.0
LOCAL = ("file:", "data:", "blob:", "about:")       # URL schemes a page may load
pytestmark = [pytest.mark.timeout(900), pytest.mark.slow]   # integration: the main job, then headless Chromium (`make test-fast` leaves it out)

def _which(*names):
    return next((p for n in names if (p := shutil.which(n))), None)

def main_job(d: Path, run_id: str, *args):
    "`python -m graphmer.report` with its KG, run and reports under `d`."
    return subprocess.run([sys.executable, "-m", "graphmer.report", "--kg-dir", str(d / f"kg-{run_id}"), "--run-dir", str(d / "runs" / run_id),
                           "--reports", str(d / "reports"), *args], cwd=ROOT, capture_output=True, text=True, timeout=900)

@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    "Reports of two main-job runs: one failing on a missing corpus, then 3 steps on two standard-library packages (or GRAPHMER_BROWSER_REPORTS)."
    if os.environ.get("GRAPHMER_BROWSER_REPORTS"): return project_path(os.environ["GRAPHMER_BROWSER_REPORTS"])
    d = tmp_path_factory.mktemp("job")
    r = main_job(d, "bad-corpus", "--corpus", str(d / "missing"), "--steps", "0")
    assert r.returncode != 0 and "is not an existing directory" in r.stdout + r.stderr, r.stdout[-3000:] + r.stderr[-3000:]
    for pkg in ("json", "logging"):
        shutil.copytree(default_corpus() / pkg, d / "src" / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    r = main_job(d, "browser-3", "--corpus", str(d / "src"), "--steps", "3", "-p", "evaluate.max_queries=20", "-p", "evaluate.baselines=random,frequency")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return d / "reports"

@pytest.fixture(scope="module")
def browser():
    "Headless Chromium driven by selenium; requests to anything but local files go to a dead proxy."
    chromium, driver = _which("chromium", "chromium-browser"), _which("chromedriver")
    if not (chromium and driver): pytest.fail("chromium and chromedriver are missing: run `make browser` (apt-get install chromium chromium-driver)")
    try: from selenium import webdriver
    except ImportError: pytest.fail("selenium is missing: `make setup` installs the dev extra")
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--hide-scrollbars",
              "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--no-first-run", "--disable-background-networking"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    b = webdriver.Chrome(service=Service(driver), options=opts)
    b.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source":    # uncaught errors and rejected promises, as text
        "window.__errors = []; addEventListener('error', e => __errors.push(String(e.message || e.type)));"
        "addEventListener('unhandledrejection', e => __errors.push('unhandled rejection: ' + String(e.reason)));"})
    yield b
    b.quit()

def open_page(b, page: Path, timeout: float = 20.0) -> dict:
    "Load `page`, wait until every plotly figure is drawn, and collect what happened."
    b.get_log("browser"); b.get_log("performance")                                # drop entries of earlier pages
    t = time.perf_counter()
    b.get(page.as_uri())                                                           # returns after the load event
    while True:
        figs, drawn = b.execute_script("const g = [...document.querySelectorAll('.plotly-graph-div')];"
                                       "return [g.length, g.filter(d => d.querySelector('.main-svg')).length];")
        if figs == drawn or time.perf_counter() - t > timeout: break
        time.sleep(0.02)
    load_s = time.perf_counter() - t
    perf = [json.loads(e["message"])["message"] for e in b.get_log("performance")]
    return dict(load_s=load_s, figures=figs, drawn=drawn, errors=b.execute_script("return window.__errors || [];"),
                severe=[e["message"] for e in b.get_log("browser") if e["level"] == "SEVERE"],
                urls=sorted({m["params"]["request"]["url"] for m in perf if m["method"] == "Network.requestWillBeSent"}))

def screenshot(b, out: Path, max_height: int = 6000) -> Path:
    "Full-page PNG of the current page (at most `max_height` px tall)."
    h = min(int(b.execute_script("return document.documentElement.scrollHeight;")), max_height)
    png = b.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                      "clip": {"x": 0, "y": 0, "width": 1280, "height": h, "scale": 1}})["data"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(png))
    return out

def pages(reports: Path) -> list[Path]:
    "The index and every run's HTML report."
    return [reports / "index.html"] + sorted(p for p in reports.glob("*/*.html"))

def test_run_layout(reports):
    "Each run has its own folder with the executed notebooks, their HTML and run.json; the index links them, newest first."
    recs = {p.parent.name: json.loads(p.read_text()) for p in reports.glob("*/run.json")}
    index = (reports / "index.html").read_text()
    assert recs
    for run, rec in recs.items():
        assert rec["run_id"] == run == Path(rec["run_dir"]).name and f'id="{run}"' in index
        assert {"platform", "cpus", "torch", "device"} <= set(rec["machine"]) and rec["started"] <= rec["finished"]
        for nb in rec["notebooks"]:
            assert (reports / run / f"{nb['name']}.ipynb").exists() and (reports / run / f"{nb['name']}.html").exists()
            assert f'href="{run}/{nb["name"]}.html"' in index
    if os.environ.get("GRAPHMER_BROWSER_REPORTS"): return
    assert set(recs) == {"bad-corpus", "browser-3"}                                  # the second run added a folder
    ok, bad = recs["browser-3"], recs["bad-corpus"]
    assert ok["status"] == "ok" and [n["name"] for n in ok["notebooks"]][:2] == ["build_kg", "train"] and ok["summary"]["steps"] == 3
    assert all(n["ok"] for n in ok["notebooks"]) and ok["config"]["train"]["steps"] == 3
    assert bad["status"] == "failed in build_kg" and [n["ok"] for n in bad["notebooks"]] == [False]
    assert index.index('id="browser-3"') < index.index('id="bad-corpus"')
    assert (Path(ok["run_dir"]) / "train.html").exists()                            # the run keeps its own report
    src = ok["kg"]["sources"]                                                        # the corpus the run's KG held, from its manifest
    assert [x["path"] for x in src] == [str(Path(ok["args"]["corpus"]).resolve())] and "kg" not in bad
    assert f'<dt>data.kg_dir</dt><dd>{ok["config"]["data"]["kg_dir"]} ({src[0]["repository"]})</dd>' in index

def test_pages_open_offline(reports, browser):
    "Every page: no JavaScript error, nothing fetched from the network, all plotly figures drawn, loaded in < 5 s."
    import nbformat
    from graphmer.report import count_figures
    checked = []
    for page in pages(reports):
        r = open_page(browser, page)
        nb = page.with_suffix(".ipynb")
        expected = count_figures(nbformat.read(nb, as_version=4)) if nb.exists() else 0
        name = page.stem if page.parent == reports else f"{page.parent.name}-{page.stem}"
        shot = screenshot(browser, SHOTS / f"{name}.png")
        checked.append(f"{page.relative_to(reports)}: {r['load_s']:.2f} s, {r['drawn']}/{expected} figures, {shot.name}")
        assert not r["errors"] and not r["severe"], f"{page}: JavaScript errors {r['errors'] + r['severe']}"
        assert all(u.startswith(LOCAL) for u in r["urls"]), f"{page}: requests leave the machine: {[u for u in r['urls'] if not u.startswith(LOCAL)]}"
        assert r["figures"] == expected and r["drawn"] == expected, f"{page}: {r['drawn']} of {r['figures']} figure divs drawn, the notebook has {expected}"
        assert r["load_s"] < MAX_LOAD_S, f"{page}: loaded in {r['load_s']:.1f} s"
        text = page.read_text()
        assert text.count("plotly.js v") == (expected > 0), f"{page}: plotly.js must be included once per page with figures"
        assert not re.search(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", text), f"{page}: a script or stylesheet from the network"
    print("\n".join(checked))
    assert len(checked) >= 3 + (not os.environ.get("GRAPHMER_BROWSER_REPORTS"))   # the index, failed build_kg, build_kg, train
