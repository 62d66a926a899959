# SPDX-License-Identifier: Apache-2.0
"""flink_build.py - tests/flink built once by Maven, for the tests that run it.

flink_expect.py and flink_changelog.py both run a main class of tests/flink's
one Maven project, built into SHOPSTREAM_FLINK_DIR (the build tree's
tests/integration/flink). Two such tests run at once (ctest -j) must not run
Maven into the same folder together: the build holds a lock on that folder.
"""
import fcntl
import os
import subprocess


def maven_classpath(source, flink_dir):
    """Builds tests/flink (mvn package) into flink_dir, under flink_dir's lock;
    the classpath that runs its classes: its classes and every dependency's jar."""
    os.makedirs(flink_dir, exist_ok=True)
    pom = os.path.join(source, "tests", "flink", "pom.xml")
    cp_file = os.path.join(flink_dir, "classpath.txt")
    mvn = ["mvn", "-q", "-B", "-f", pom, f"-Dflink.check.dir={flink_dir}"]
    with open(os.path.join(flink_dir, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for goal in (["package", "-DskipTests"], ["dependency:build-classpath", f"-Dmdep.outputFile={cp_file}"]):
            p = subprocess.run(mvn + goal, capture_output=True, text=True, timeout=900)
            assert p.returncode == 0, \
                f"{' '.join(mvn + goal)} exited {p.returncode}:\n{p.stdout[-3000:]}{p.stderr[-3000:]}"
        with open(cp_file) as f:
            return os.path.join(flink_dir, "classes") + ":" + f.read().strip()
