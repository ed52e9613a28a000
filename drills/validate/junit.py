"""JUnit XML for CI systems (``drill test --junit FILE``): one testcase per rulebook test."""

from __future__ import annotations

from xml.etree import ElementTree

from drills.validate.runner import TestResult


def junit_xml(results: list[TestResult], suite: str) -> str:
    """The results as a JUnit ``testsuite`` document; texts are escaped by ElementTree."""
    failed = sum(not r.passed for r in results)
    root = ElementTree.Element("testsuite", name=suite, tests=str(len(results)),
                               failures=str(failed), errors="0")
    for result in results:
        case = ElementTree.SubElement(root, "testcase", name=result.test.name,
                                      classname=f"{result.path}:{result.test.line}")
        if not result.passed:
            failure = ElementTree.SubElement(case, "failure", message=result.failures[0])
            failure.text = "\n".join(result.failures)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
