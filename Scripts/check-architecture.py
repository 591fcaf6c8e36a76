#!/usr/bin/env python3
"""Checks the layering that Package.swift declares, where the compiler does not.

SwiftPM lets a target import any module built before it, including a dependency's dependency
(e.g. GRDB from Search, through Store), so the declared dependencies alone do not keep the
layers apart. This script reads the package (`swift package dump-package`) and fails when:
  1. a Swift file of a source target imports a module that is not one of its target's declared
     dependencies (system modules excepted): so `import GRDB` appears in Store only;
  2. an SQL statement (a `sql:` argument or a `SELECT`/`INSERT`/`UPDATE`/`DELETE`/`CREATE`
     string) appears outside Sources/Store;
  3. a target other than NumericKernels is built with -Ounchecked (no target that parses input may be).
Run by Scripts/test.sh before the tests; prints one line per violation and exits 1, else 0.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM = {"Foundation", "Glibc", "Darwin", "Dispatch", "XCTest", "Testing", "FoundationEssentials"}
UNCHECKED_ALLOWED = {"NumericKernels"}
SQL = re.compile(r'\bsql:|"""\s*\n\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|REPLACE)\b|"(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE) ')


def dependencies(target):
    names = []
    for dep in target["dependencies"]:
        for kind in ("byName", "target", "product"):
            if kind in dep:
                names.append(dep[kind][0])
    return set(names)


def main():
    package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=ROOT))
    problems = []
    for target in package["targets"]:
        if target["type"] not in ("regular", "executable"):
            continue
        path = os.path.join(ROOT, target.get("path") or f"Sources/{target['name']}")
        allowed = dependencies(target) | SYSTEM
        for flag in target.get("settings", []):
            unsafe = flag.get("kind", {}).get("unsafeFlags", {}).get("_0", [])
            if "-Ounchecked" in unsafe and target["name"] not in UNCHECKED_ALLOWED:
                problems.append(f"{target['name']}: built with -Ounchecked; only {sorted(UNCHECKED_ALLOWED)} may be")
        for folder, _, files in os.walk(path):
            for name in sorted(files):
                if not name.endswith(".swift"):
                    continue
                file = os.path.join(folder, name)
                text = open(file, encoding="utf-8").read()
                relative = os.path.relpath(file, ROOT)
                for match in re.finditer(r"^(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|func)\s+)?(\w+)", text, re.M):
                    module = match.group(1)
                    if module not in allowed:
                        line = text.count("\n", 0, match.start()) + 1
                        problems.append(f"{relative}:{line}: imports {module}, not a declared dependency of {target['name']}")
                if target["name"] != "Store":
                    for match in SQL.finditer(text):
                        line = text.count("\n", 0, match.start()) + 1
                        problems.append(f"{relative}:{line}: SQL outside Sources/Store")
    for problem in problems:
        print(f"check-architecture: {problem}")
    if problems:
        return 1
    print(f"check-architecture: ok ({len(package['targets'])} targets: imports within the declared dependencies, SQL only in Store, -Ounchecked only on NumericKernels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
