#!/usr/bin/env python3
"""Runs every tests/api/test_*.py against the real server; the last line is
"api: N passed, N failed"."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class CountingResult(unittest.TextTestResult):
    """Counts passes as they happen: errors in class set-up or tear-down are
    failures that belong to no test, so testsRun cannot be used to derive them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=CountingResult)
    result = runner.run(suite)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print("api: %d passed, %d failed" % (result.passed, bad))
    return 0 if bad == 0 and result.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
