"""JUnit XML for CI systems (``drill test --junit FILE``): a ``<testsuites>`` root, one
``<testsuite>`` per test file, one ``<testcase>`` per rulebook test with its time, file and
line. A file that could not be run is a testsuite with an ``<error>``, so the report is
written even when the run fails."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree

from drills.errors import Diagnostic
from drills.validate.ci import relative
from drills.validate.suite import Ran


def junit_xml(ran: Sequence[Ran], name: str, broken: Sequence[Diagnostic] = ()) -> str:
    """The results (and the diagnostics of files that could not run) as JUnit XML."""
    root = ElementTree.Element("testsuites", name=name)
    files: dict[str, list[Ran]] = {}
    for item in ran:
        files.setdefault(item.path, []).append(item)
    totals = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
    for path, items in files.items():
        failed = sum(not r.passed for r in items)
        seconds = sum(r.seconds for r in items)
        suite = ElementTree.SubElement(root, "testsuite", name=relative(path),
                                       tests=str(len(items)), failures=str(failed),
                                       errors="0", skipped="0", time=f"{seconds:.3f}",
                                       file=relative(path))
        for item in items:
            case = ElementTree.SubElement(
                suite, "testcase", name=item.test.name,
                classname=relative(path).removesuffix(".yaml").replace("/", "."),
                file=relative(path), line=str(item.test.line), time=f"{item.seconds:.3f}")
            if not item.passed:
                failure = ElementTree.SubElement(case, "failure", message=item.failures[0],
                                                 type="expectation")
                failure.text = "\n".join(item.failures)
        totals["tests"] += len(items)
        totals["failures"] += failed
        totals["time"] += seconds
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in broken:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    for path, found in by_file.items():
        suite = ElementTree.SubElement(root, "testsuite", name=relative(path), tests="1",
                                       failures="0", errors="1", skipped="0", time="0.000",
                                       file=relative(path))
        case = ElementTree.SubElement(suite, "testcase", name="the file loads",
                                      classname=relative(path).removesuffix(".yaml"),
                                      file=relative(path), line=str(found[0].line),
                                      time="0.000")
        error = ElementTree.SubElement(case, "error", message=found[0].message,
                                       type="input")
        error.text = "\n".join(str(d) for d in found)
        totals["tests"] += 1
        totals["errors"] += 1
    for key, value in totals.items():
        root.set(key, f"{value:.3f}" if key == "time" else str(value))
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
