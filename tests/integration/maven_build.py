# SPDX-License-Identifier: Apache-2.0
"""maven_build.py - a Maven project under tests/ built once, for the tests that run it.

tests/flink (flink_expect.py, flink_changelog.py and flink_files.py run its
main classes) and tests/debezium (readback_debezium.py) are each one Maven
project, built into a folder of the build tree whose pom reads it as
<project>.check.dir. Two tests that run one project at once (ctest -j) must
not run Maven into the same folder together: the build holds a lock on that
folder.
"""
import fcntl
import os
import subprocess


def maven_classpath(source, out_dir, project="flink"):
    """Builds tests/<project> (mvn package) into out_dir, under out_dir's lock;
    the classpath that runs its classes: its classes and every dependency's jar."""
    os.makedirs(out_dir, exist_ok=True)
    pom = os.path.join(source, "tests", project, "pom.xml")
    cp_file = os.path.join(out_dir, "classpath.txt")
    mvn = ["mvn", "-q", "-B", "-f", pom, f"-D{project}.check.dir={out_dir}"]
    with open(os.path.join(out_dir, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for goal in (["package", "-DskipTests"], ["dependency:build-classpath", f"-Dmdep.outputFile={cp_file}"]):
            p = subprocess.run(mvn + goal, capture_output=True, text=True, timeout=900)
            assert p.returncode == 0, \
                f"{' '.join(mvn + goal)} exited {p.returncode}:\n{p.stdout[-3000:]}{p.stderr[-3000:]}"
        with open(cp_file) as f:
            return os.path.join(out_dir, "classes") + ":" + f.read().strip()
