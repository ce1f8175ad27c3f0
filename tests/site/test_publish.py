"""Publishing: the README's commands, the GitHub Pages workflow that runs them, a build that names its repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from support import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
REPO_URL = "https://github.com/example/nn-runnable"


def readme_commands() -> dict[str, str]:
    """The README's `make` commands (`make test   # ...`), by target: the command without its comment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {match[2]: match[1] for match in re.finditer(r"^(make (\w+))\s+#", readme, re.MULTILINE)}


def workflow_jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]


def runs(job: dict) -> list[str]:
    """Every shell line the job's steps run."""
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines()]


def test_readme_gives_serve_test_and_build():
    commands = readme_commands()
    assert {"serve", "test", "build"} <= commands.keys()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^build:", makefile, re.MULTILINE)


def test_pages_workflow_tests_with_the_readme_command_before_it_deploys():
    jobs = workflow_jobs()
    assert readme_commands()["test"] in runs(jobs["test"])
    needs = jobs["deploy"]["needs"]
    assert "test" in ([needs] if isinstance(needs, str) else needs)
    assert any("mkdocs gh-deploy" in line for line in runs(jobs["deploy"]))
    assert jobs["deploy"]["permissions"]["contents"] == "write"  # it pushes the gh-pages branch
    assert {"REPO_URL", "SITE_URL"} <= jobs["deploy"]["env"].keys()


def test_a_build_with_repo_url_links_the_repository_from_the_header(tmp_path):
    """REPO_URL (the Pages workflow sets it) puts Material's repository link in the header, and an "Open in Colab"
    link in the notebooks. The link is a plain one: Material's "source" component would ask api.github.com for
    the repository's stars, a request to a third party."""
    site = tmp_path / "site"
    env = {**os.environ, "REPO_URL": REPO_URL, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=ROOT, env=env, check=True
    )
    index = (site / "index.html").read_text(encoding="utf-8")
    header = index[index.index("<header") : index.index("</header>")]
    assert re.search(rf'<a href="{re.escape(REPO_URL)}"[^>]*class="md-source"', header)
    assert 'data-md-component="source"' not in index
    notebook = (site / "downloads" / "neural-networks.ipynb").read_text(encoding="utf-8")
    assert "https://colab.research.google.com/github/example/nn-runnable/blob/gh-pages/downloads/" in notebook
