"README.md and docs/results.md are rendered from nbs/index.ipynb and nbs/results.ipynb and must stay in sync; the README names the two commands that do everything."
import pytest
from graphmer.core import DOC_PAGES, project_root
from graphmer.report import readme_markdown

@pytest.mark.parametrize("nb,page", DOC_PAGES.items())
def test_pages_in_sync_with_their_notebooks(nb, page):
    root = project_root()
    assert (root / page).read_text() == readme_markdown(root / "nbs" / f"{nb}.ipynb"), f"{page} is stale: run `make readme` (renders nbs/{nb}.ipynb)"

def test_readme_names_the_two_commands():
    readme = (project_root() / "README.md").read_text()
    assert "make report" in readme and "make test" in readme

def test_readme_links_resolve():
    "Every relative link of the README and the results page points to a file of the repository."
    import re
    root = project_root()
    for page in DOC_PAGES.values():
        text = (root / page).read_text()
        for target in re.findall(r"\]\((?!https?://|#)([^)\s]+)\)", text):
            assert ((root / page).parent / target.split("#")[0]).exists(), f"{page}: broken link {target}"

def test_ci_runs_the_readme_test_command():
    ci = (project_root() / ".ci" / "run").read_text()
    assert "make test" in ci
