"""Chinese sentences in :mod:`reformlib.i18n` use full-width punctuation (，：；（）): no
half-width comma, colon, semicolon or parenthesis stands next to a Chinese character in any
Chinese string. Format fields (``{x:.1f}``) are left out of the check; numbers, codes and
English strings are not checked."""
from __future__ import annotations

import re
from collections.abc import Iterator

import reformlib.i18n as i18n

CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
HALF_WIDTH_BESIDE_CJK = re.compile(rf"[{CJK}][,:;()]|[,:;()][{CJK}]")
FIELD = re.compile(r"\{[^{}]*\}")


def _strings(obj: object, path: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    if isinstance(obj, str):
        yield ".".join(path), obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, (*path, str(k)))
    elif isinstance(obj, (list, tuple)):
        for n, v in enumerate(obj):
            yield from _strings(v, (*path, str(n)))


def _chinese_strings() -> list[tuple[str, str]]:
    out = []
    for name in dir(i18n):
        if not name.isupper() or name.endswith("_EN"):
            continue
        value = getattr(i18n, name)
        if isinstance(value, dict) and "zh" in value:  # {"zh": ..., "en": ...}: the Chinese side only
            out += list(_strings(value["zh"], (name, "zh")))
        elif isinstance(value, (dict, list, tuple, str)):
            out += list(_strings(value, (name,)))
    return out


def half_width_in_chinese(text: str) -> list[str]:
    """The half-width marks next to a Chinese character in ``text``, format fields aside."""
    return HALF_WIDTH_BESIDE_CJK.findall(FIELD.sub("X", text))


def test_the_check_catches_half_width_marks():
    assert half_width_in_chinese("评估结果:{period}(赋权:{w},标准化)") == ["果:", "(赋", "权:", ",标", "化)"]
    assert half_width_in_chinese("Cronbach α（全部指标）：{alpha:.2f}") == []
    assert half_width_in_chinese("5%-95%区间") == []


def test_chinese_strings_use_full_width_punctuation():
    strings = _chinese_strings()
    assert len(strings) > 300  # every table of words is read
    bad = {path: text for path, text in strings if half_width_in_chinese(text)}
    assert bad == {}


def _literals(path) -> Iterator[tuple[int, str]]:
    """The string literals of a module that are not docstrings, with their line numbers."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def test_chinese_literals_of_the_publication_step_use_full_width_punctuation():
    """The brief's and the memo's own words outside :mod:`reformlib.i18n` (reformlib.report,
    reformlib.briefs) follow the same rule; a set of separators to strip is not a sentence."""
    from pathlib import Path

    import reformlib

    root = Path(reformlib.__file__).parent
    separators = {"；;,， "}
    bad = {f"{path.relative_to(root)}:{line}": text
           for folder in ("report", "briefs") for path in sorted((root / folder).rglob("*.py"))
           for line, text in _literals(path) if text not in separators and half_width_in_chinese(text)}
    assert bad == {}


def test_chinese_literals_of_the_task_reasons_and_the_synthetic_catalogue_use_full_width_punctuation():
    """The at-risk list's reasons and the held-out check's sentences (reformlib.tasks.reasons),
    and the synthetic data's Chinese names and notes (reformlib.synth), follow the same rule."""
    from pathlib import Path

    import reformlib

    root = Path(reformlib.__file__).parent
    paths = [root / "tasks" / "reasons.py", *sorted((root / "synth").glob("*.py"))]
    def chinese(text: str) -> bool:  # an English sentence may quote Chinese in its own parentheses
        return len(re.findall(r"[\u4e00-\u9fff]", text)) >= len(re.findall(r"[A-Za-z]", text))

    bad = {f"{path.relative_to(root)}:{line}": text for path in paths for line, text in _literals(path)
           if chinese(text) and half_width_in_chinese(text)}
    assert bad == {}
