"README.md is rendered from nbs/index.ipynb and must stay in sync; it names the two commands that do everything."
from graphmer.core import project_root
from graphmer.report import readme_markdown

def test_readme_in_sync_with_index():
    readme = (project_root() / "README.md").read_text()
    assert readme == readme_markdown(), "README.md is stale: run `make readme` (renders nbs/index.ipynb)"

def test_readme_names_the_two_commands():
    readme = (project_root() / "README.md").read_text()
    assert "make report" in readme and "make test" in readme

def test_ci_runs_the_readme_test_command():
    ci = (project_root() / ".ci" / "run").read_text()
    assert "make test" in ci
