"""``toylands._checked.checked``: the arguments reach the function bound as Python binds them,
validated by name, on the fast path (by name) and on Signature.bind's."""

from __future__ import annotations

import pytest

from toylands._checked import checked


@checked()
def _plain(landscape=None, x=None, *, steps=10, alpha=1.0):
    return landscape, x, steps, alpha


@checked()
def _varargs(*parts, steps=3):
    return parts, steps


def test_arguments_are_bound_and_validated_as_python_binds_them():
    assert _plain() == (None, None, 10, 1.0)
    assert _plain(None, None, steps=4) == (None, None, 4, 1.0)
    assert _plain(alpha=2) == (None, None, 10, 2.0)  # converted to float
    assert _varargs(1, 2, steps=5) == ((1, 2), 5)
    with pytest.raises(ValueError, match="steps must be >= 0"):
        _plain(steps=-1)
    with pytest.raises(ValueError, match="steps must be >= 0"):
        _varargs(1, steps=-1)


@pytest.mark.parametrize("call", [
    lambda: _plain(None, None, None),  # too many positional arguments
    lambda: _plain(None, landscape=None),  # twice
    lambda: _plain(gamma=1.0),  # unknown
])
def test_wrong_calls_are_the_type_error_python_gives_naming_the_function(call):
    with pytest.raises(TypeError, match=r"^_plain\(\): "):
        call()


def test_a_missing_required_argument_is_a_type_error():
    @checked()
    def needs(a, *, steps):
        return a, steps

    assert needs(1, steps=2) == (1, 2)
    with pytest.raises(TypeError, match=r"needs\(\): missing a required argument: 'steps'"):
        needs(1)
