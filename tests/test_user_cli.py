"""Every subcommand that takes a landscape NAME also takes ``--landscape module:attribute`` or
``--landscape path.py:attribute`` for a user's landscape (a module outside the repository)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from theory.cli import main

MODULE = textwrap.dedent('''
    import sympy as sp
    import toylands

    x, y = sp.symbols("x y")
    bowls = toylands.from_sympy("my-bowls", (x, y), [x**2 + y**2, (x - 1)**2 + y**2],
                                f_i_star=[0, 0], domain=(-2, 2))

    def shifted(c=1.0):
        return toylands.from_sympy("shifted", (x, y), [x**2 + y**2, (x - c)**2 + y**2],
                                   f_i_star=[0, 0], domain=(-2, 2))

    not_a_landscape = 3
''')


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("outside")
    (d / "mymod.py").write_text(MODULE)
    return d


def test_certify_with_a_module_outside_the_repo(user_dir):
    env = dict(os.environ, PYTHONPATH="")
    proc = subprocess.run(
        [sys.executable, "-m", "theory", "certify", "--landscape", "mymod:bowls", "--alpha",
         "1", "--beta", "0", "--json", "--quiet"],
        cwd=user_dir, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["landscape"] == "my-bowls" and out["verdict"] == "proved"


@pytest.mark.parametrize("argv", [
    ["show", "--json"],
    ["certify", "--alpha", "5", "--beta", "0", "--method", "sample", "--budget", "300",
     "--json", "--quiet"],
    ["region", "--budget", "300", "--json", "--quiet"],
    ["simulate", "--optimizer", "sgd", "--runs", "4", "--steps", "5", "--json", "--quiet"],
    ["check", "--theorem", "1", "--runs", "4", "--steps", "5", "--json", "--quiet"],
    ["conditions", "--points", "200", "--no-prove", "--json"],
])
def test_every_subcommand_takes_a_path_and_attribute(user_dir, capsys, argv):
    spec = f"{user_dir / 'mymod.py'}:shifted"
    code = main(argv[:1] + ["--landscape", spec, "--set", "c=2.0"] + argv[1:])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    res = json.loads(out)
    assert res.get("landscape", res.get("name")) == "shifted"


@pytest.mark.parametrize("spec, msg", [
    ("nomodule_xyz:f", "cannot import module"),
    ("{dir}/mymod.py:nope", "has no attribute 'nope'"),
    ("{dir}/mymod.py:not_a_landscape", "not a landscape"),
    ("{dir}/missing.py:f", "no such file"),
    ("mymod", "module:attribute"),
])
def test_bad_specs_are_one_line_errors(user_dir, capsys, spec, msg):
    code = main(["show", "--landscape", spec.format(dir=user_dir)])
    err = capsys.readouterr().err
    assert code == 2 and msg in err and err.count("\n") == 1


def test_name_and_landscape_together_or_neither_are_errors(user_dir, capsys):
    assert main(["show", "example1", "--landscape", f"{user_dir / 'mymod.py'}:bowls"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["certify", "--alpha", "1", "--beta", "0"]) == 2
    assert "give a landscape NAME" in capsys.readouterr().err
