#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""validate_deploy.py - what the deployment files rely on, checked without containers.

No container engine is needed (none runs here): docker-compose.yml goes
through Debian's docker-compose 1.29 (`docker-compose config`, which
validates it against the compose schema), and the compose file, the
Dockerfile, .dockerignore and deploy/kubernetes/*.yaml are parsed and checked
for what the stack needs to work:

- compose: format 3.x; every image pinned by a tag (never latest); every
  published port bound to 127.0.0.1; kafka (apache/kafka, KRaft) and the
  registry (Apicurio 3.x) with healthchecks, and shopstream and the UI
  waiting for them to be healthy; shopstream built from ./Dockerfile with
  the broker, registry and --metrics flags, which shopstream accepts (the
  same arguments given to `shopstream plan`); the UI on the registry's
  ccompat URL; Prometheus under the metrics profile scraping that port.
- Dockerfile: multi-stage on pinned Debian 12 tags, a slim final stage, the
  -dev packages of every pkg-config module CMake asks for in the build stage
  (librdkafka: built there by scripts/librdkafka.sh, not librdkafka-dev)
  and the package of every library the built program links in the final
  one, a non-root USER, ENTRYPOINT ["shopstream"]; .dockerignore keeps .git
  and build folders out.
- The build context: the tree as committed (git ls-files) less what
  .dockerignore leaves out, matched as Docker matches it, holds every path
  the image's build reads: the Dockerfile's own `cmake -S . -B ...` succeeds
  on a copy of it (an add_subdirectory or a source it lacks fails there),
  what `cmake --install` copies from the sources is in it, and so is every
  source and header that building the program read (the host build's Ninja
  deps). scripts/image.sh then builds the image for real.
- CI's compose override (deploy/compose-ci/docker-compose.ci.yml): valid
  over docker-compose.yml; it changes the kafka and registry images only to
  stand-ins tagged shopstream-ci/... built from deploy/compose-ci on the
  Dockerfile's own base, builds on the host network, and changes nothing of
  the three services but images, builds and shopstream's run length and
  pacing (--speed, --start, --duration, --intensity).
- Kubernetes: an Indexed Job with completions == parallelism ==
  SHOPSTREAM_SHARDS, args `run ... --shard auto -c FILE -s FILE`, the image
  compose builds, the ConfigMap mounted where -c and -s point, a non-root
  uid equal to the Dockerfile's; then the Job's own arguments are run, one
  shard per index as Kubernetes would (JOB_COMPLETION_INDEX), on the
  ConfigMap's files to a null sink: the shards' content_digests must add
  up to one unsharded run's.

Environment (set by ctest): SHOPSTREAM_BIN, SHOPSTREAM_SOURCE_DIR,
SHOPSTREAM_TEST_TMP. Prints every check, then 'N passed, M failed'; exits
non-zero on any failure. A missing docker-compose is a failure, not a skip.
"""
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import traceback

import yaml

SRC = os.environ.get("SHOPSTREAM_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SHOPSTREAM_BIN", "")
TMP = os.environ.get("SHOPSTREAM_TEST_TMP", tempfile.gettempdir())
COMPOSE = os.path.join(SRC, "docker-compose.yml")
DOCKERFILE = os.path.join(SRC, "Dockerfile")
K8S_DIR = os.path.join(SRC, "deploy", "kubernetes")
REGISTRY_CCOMPAT = "http://registry:8080/apis/ccompat/v7"

passed = failed = 0


def check(what, ok, detail="", fail_only=False):
    """Counts and prints one check; detail is shown in parentheses, or only on failure."""
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}" + (f" ({detail})" if detail and not fail_only else ""), flush=True)
    else:
        failed += 1
        print(f"FAIL  {what}" + (f": {detail}" if detail else ""), flush=True)
    return bool(ok)


def section(fn):
    """Runs one group of checks; an exception in it is one more failure."""
    print(f"--- {fn.__doc__.strip().splitlines()[0]}", flush=True)
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - report and go on with the next group
        check(f"{fn.__name__} ran to the end", False, f"{type(e).__name__}: {e}")
        traceback.print_exc()


def project_version():
    with open(os.path.join(SRC, "CMakeLists.txt")) as f:
        m = re.search(r"project\(\s*shopstream\s+VERSION\s+([0-9.]+)", f.read())
    return m.group(1) if m else None


def image_tag(image):
    """(name, tag, digest) of an image reference; tag None when absent."""
    name, digest = (image.split("@", 1) + [None])[:2]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return name[: len(name) - len(last)] + last.split(":")[0], last.split(":", 1)[1], digest
    return name, None, digest


def option(args, *names):
    """The value after the first of names in args (or in --name=value form), else None."""
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if n.startswith("--") and a.startswith(n + "="):
                return a.split("=", 1)[1]
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- compose --

compose = {}        # `docker-compose config` output, normalized
compose_raw = {}    # the file as written


def compose_checks():
    """docker-compose.yml"""
    global compose, compose_raw
    dc = shutil.which("docker-compose")
    if not check("docker-compose is installed", dc,
                 dc or "not on PATH: apt-get install docker-compose (scripts/setup.sh --test should)"):
        return
    ver = subprocess.run([dc, "version", "--short"], capture_output=True, text=True)
    p = subprocess.run([dc, "-f", COMPOSE, "config"], cwd=SRC, capture_output=True, text=True)
    if not check(f"docker-compose {ver.stdout.strip()} config validates docker-compose.yml", p.returncode == 0,
                 p.stderr.strip()[-800:]):
        return
    compose = yaml.safe_load(p.stdout)
    with open(COMPOSE) as f:
        compose_raw = yaml.safe_load(f)
    check("compose file format 3.x", str(compose_raw.get("version", "")).startswith("3."),
          f"version: {compose_raw.get('version')!r}")
    svcs = compose.get("services", {})
    raw = compose_raw.get("services", {})
    for s in ("kafka", "registry", "ui", "shopstream", "prometheus"):
        check(f"service {s} defined", s in svcs)

    for name, s in sorted(svcs.items()):
        if "image" in s:
            n, tag, digest = image_tag(s["image"])
            check(f"{name}: image {s['image']} pinned", (tag and tag != "latest") or digest,
                  "needs a version tag, never latest", fail_only=True)
        for port in raw.get(name, {}).get("ports", []):
            if isinstance(port, dict):
                ok, shown = port.get("host_ip") == "127.0.0.1", json.dumps(port)
            else:
                ok, shown = str(port).startswith("127.0.0.1:"), str(port)
            check(f"{name}: port {shown} bound to 127.0.0.1", ok)
        for port in s.get("ports", []):  # the normalized form too, in case of a long syntax
            if isinstance(port, str):
                check(f"{name}: normalized port {port} on 127.0.0.1", port.startswith("127.0.0.1:"))

    def healthcheck(name):
        hc = svcs.get(name, {}).get("healthcheck", {})
        test = hc.get("test", [])
        return check(f"{name}: healthcheck", test and not hc.get("disable") and test[0] in ("CMD", "CMD-SHELL"),
                     " ".join(map(str, test))[:120])

    # kafka: the official image in KRaft mode, reachable as kafka:9092 by the other containers
    k = svcs.get("kafka", {})
    check("kafka: official apache/kafka image", image_tag(k.get("image", ""))[0] == "apache/kafka", k.get("image"))
    env = k.get("environment", {})
    check("kafka: KRaft (process roles broker,controller, no ZooKeeper)",
          "controller" in str(env.get("KAFKA_PROCESS_ROLES", "")) and not any("ZOOKEEPER" in e for e in env),
          env.get("KAFKA_PROCESS_ROLES"))
    check("kafka: advertises kafka:9092 to the containers", "//kafka:9092" in str(env.get("KAFKA_ADVERTISED_LISTENERS")),
          env.get("KAFKA_ADVERTISED_LISTENERS"))
    healthcheck("kafka")

    r = svcs.get("registry", {})
    n, tag, _ = image_tag(r.get("image", ""))
    check("registry: Apicurio Registry 3.x", n == "apicurio/apicurio-registry" and str(tag).startswith("3."),
          r.get("image"))
    healthcheck("registry")
    rt = " ".join(map(str, r.get("healthcheck", {}).get("test", [])))
    check("registry: healthcheck asks /health/ready", "/health/ready" in rt)

    u = svcs.get("ui", {})
    check("ui: kafbat kafka-ui", image_tag(u.get("image", ""))[0] == "ghcr.io/kafbat/kafka-ui", u.get("image"))
    uenv = u.get("environment", {})
    check("ui: schema registry is the ccompat URL", uenv.get("KAFKA_CLUSTERS_0_SCHEMAREGISTRY") == REGISTRY_CCOMPAT,
          uenv.get("KAFKA_CLUSTERS_0_SCHEMAREGISTRY"))
    check("ui: bootstrap kafka:9092", uenv.get("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS") == "kafka:9092")

    sh = svcs.get("shopstream", {})
    b = sh.get("build", {})
    check("shopstream: built from the repository's Dockerfile",
          os.path.realpath(b.get("context", "")) == os.path.realpath(SRC) and b.get("dockerfile", "Dockerfile") == "Dockerfile",
          json.dumps(b))
    check("shopstream: the built image is tagged with the project version",
          image_tag(sh.get("image", ""))[1] == project_version(), f"{sh.get('image')} vs {project_version()}")
    cmd = sh.get("command", [])
    if isinstance(cmd, str):
        cmd = shlex.split(cmd)
    check("shopstream: command is `run ...`", cmd[:1] == ["run"], " ".join(cmd))
    check("shopstream: -b kafka:9092", option(cmd, "-b", "--brokers") == "kafka:9092")
    check(f"shopstream: -r {REGISTRY_CCOMPAT}", option(cmd, "-r", "--schema-registry") == REGISTRY_CCOMPAT)
    check("shopstream: paced (--speed realtime or N)", option(cmd, "--speed") not in (None, "max"), option(cmd, "--speed"))
    metrics = option(cmd, "--metrics") or ""
    check("shopstream: --metrics on 0.0.0.0 (reachable by Prometheus)", metrics.startswith("0.0.0.0:"), metrics)
    for dep in ("kafka", "registry"):
        for who in ("shopstream", "ui"):
            cond = svcs.get(who, {}).get("depends_on", {}).get(dep, {}).get("condition")
            check(f"{who}: waits for {dep} to be healthy", cond == "service_healthy", cond)
    if BIN and os.access(BIN, os.X_OK):
        p = subprocess.run([BIN, "plan", *cmd[1:]], capture_output=True, text=True, timeout=120)
        check("shopstream accepts the compose command's options (`shopstream plan` with them)", p.returncode == 0,
              p.stderr.strip()[-300:])
    else:
        check("SHOPSTREAM_BIN is set to the built program", False, BIN)

    pr = svcs.get("prometheus", {})
    check("prometheus: only under the metrics profile", pr.get("profiles") == ["metrics"], pr.get("profiles"))
    mounts = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in pr.get("volumes", [])]
    cfg = [m.split(":")[0] for m in mounts if ":/etc/prometheus/prometheus.yml" in m]
    if check("prometheus: its config is mounted from the repository", cfg and os.path.isfile(cfg[0]), mounts):
        with open(cfg[0]) as f:
            pc = yaml.safe_load(f)
        targets = [t for j in pc.get("scrape_configs", []) for sc in j.get("static_configs", []) for t in sc.get("targets", [])]
        port = metrics.rsplit(":", 1)[-1]
        check(f"prometheus: scrapes shopstream:{port}", f"shopstream:{port}" in targets, targets)


# ------------------------------------------------------------- Dockerfile --

dockerfile_uid = None


def debian_packages(words):
    """Debian package names in apt-get install arguments."""
    return {w for w in words if re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", w) and w not in ("apt-get", "install")}


def package_of(path):
    """The Debian package owning path (merged /usr tried both ways), or None."""
    if not shutil.which("dpkg"):
        return None
    cands = {path, os.path.realpath(path)}
    for c in list(cands):
        if c.startswith("/usr/"):
            cands.add(c[4:])
        elif c.startswith("/lib"):
            cands.add("/usr" + c)
    for c in cands:
        p = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        if p.returncode == 0:
            return p.stdout.split(":")[0].strip()
    return None


def dockerfile_checks():
    """Dockerfile and .dockerignore"""
    global dockerfile_uid
    with open(DOCKERFILE) as f:
        text = f.read()
    lines = re.sub(r"\\\n", " ", text).splitlines()  # join continuations
    instrs = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if len(l.split(None, 1)) > 1 else "")
              for l in (x.strip() for x in lines) if l and not l.startswith("#")]
    stages = []
    for ins, arg in instrs:
        if ins == "FROM":
            stages.append({"from": arg.split()[0], "name": arg.split()[-1] if " as " in arg.lower() else None, "ins": []})
        elif stages:
            stages[-1]["ins"].append((ins, arg))
    check("multi-stage build", len(stages) >= 2, f"{len(stages)} stages")
    for s in stages:
        n, tag, digest = image_tag(s["from"])
        check(f"FROM {s['from']} pinned and Debian 12",
              n in ("debian", "docker.io/library/debian") and tag and tag != "latest"
              and (tag.startswith("12") or tag.startswith("bookworm")), "needs a debian:12.x or bookworm tag",
              fail_only=True)
    final, build = stages[-1], stages[0]
    check("final stage is the slim variant", image_tag(final["from"])[1].endswith("slim"), final["from"])

    def installs(stage):
        words = []
        for ins, arg in stage["ins"]:
            if ins == "RUN":
                for cmd in re.split(r"&&|;", arg):
                    t = cmd.split()
                    if "apt-get" in t and "install" in t:
                        words += [w for w in t[t.index("install") + 1:] if not w.startswith("-")]
        return debian_packages(words)

    bpk, fpk = installs(build), installs(final)
    check("final stage installs no -dev packages or compilers",
          not [p for p in fpk if p.endswith("-dev") or p in ("gcc", "cmake", "ninja-build")], sorted(fpk))
    check("final stage installs ca-certificates", "ca-certificates" in fpk)
    brun = " ".join(a for i, a in build["ins"] if i == "RUN")
    for flag in ("-DSHOPSTREAM_TESTS=OFF", "-DSHOPSTREAM_DATA_DIR=/usr/share/shopstream", "DESTDIR=", "cmake --install"):
        check(f"build stage runs {flag}", flag in brun)
    check("final stage copies the install tree from the build stage",
          any(i == "COPY" and "--from=" in a for i, a in final["ins"]))

    # Every pkg-config module the program's CMake files ask for: its -dev
    # package in the build stage. Every library the built program links: its
    # package in the final stage.
    mods = []
    for sub in ("engine", "producer"):
        with open(os.path.join(SRC, sub, "CMakeLists.txt")) as f:
            for m in re.finditer(r"pkg_check_modules\(\s*\w+\s+(.*?)\)", f.read(), re.S):
                mods += [w for w in m.group(1).split() if w not in ("REQUIRED", "IMPORTED_TARGET", "QUIET", "GLOBAL")]
    for mod in mods:
        if mod == "rdkafka":
            # Only where no scripts/librdkafka.sh build is there (Debian's
            # 2.0.2, whose SASL/SCRAM Kafka 4 refuses): the image builds
            # 2.8.0 from Debian's source package and links it statically.
            check("build stage builds librdkafka with scripts/librdkafka.sh, not Debian's librdkafka-dev",
                  "scripts/librdkafka.sh" in brun and "librdkafka-dev" not in bpk, brun[:300])
            continue
        d = subprocess.run(["pkg-config", "--variable=pcfiledir", mod], capture_output=True, text=True).stdout.strip()
        pkg = package_of(os.path.join(d, mod + ".pc")) if d else None
        check(f"build stage installs {pkg or '?'} (pkg-config {mod})", pkg and pkg in bpk,
              f"build stage installs {sorted(bpk)}", fail_only=True)
    if BIN and os.access(BIN, os.X_OK):
        needed = re.findall(r"\(NEEDED\).*\[(.+)\]", subprocess.run(["readelf", "-d", BIN], capture_output=True, text=True).stdout)
        ldd = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(["ldd", BIN], capture_output=True, text=True).stdout, re.M))
        for lib in needed:
            if re.match(r"lib(c|m|pthread|dl|rt|gcc_s|stdc\+\+)\.so|ld-linux|lib(a|ub|l|t|hwa)san\.so", lib):
                continue  # in every Debian image (glibc's loader: the CUDA runtime names it), or a sanitizer's runtime
            pkg = package_of(ldd.get(lib, "")) if lib in ldd else None
            check(f"final stage installs {pkg or '?'} ({lib}, linked by shopstream)", pkg and pkg in fpk,
                  f"final stage installs {sorted(fpk)}", fail_only=True)

    users = [a.strip() for i, a in final["ins"] if i == "USER"]
    user = users[-1] if users else ""
    check("final stage runs as a non-root USER", user and user.split(":")[0] not in ("root", "0"), user or "no USER")
    if user.split(":")[0].isdigit():
        dockerfile_uid = int(user.split(":")[0])
    ep = [a for i, a in final["ins"] if i == "ENTRYPOINT"]
    try:
        epv = json.loads(ep[-1]) if ep else None
    except ValueError:
        epv = ep[-1]
    check('ENTRYPOINT ["shopstream"] (exec form)', epv == ["shopstream"], ep[-1] if ep else "none")
    cm = [a for i, a in final["ins"] if i == "CMD"]
    check("CMD is a JSON list", bool(cm) and isinstance(json.loads(cm[-1]), list), cm[-1] if cm else "none")

    di = os.path.join(SRC, ".dockerignore")
    if check(".dockerignore exists", os.path.isfile(di)):
        with open(di) as f:
            pats = {l.strip().strip("/") for l in f if l.strip() and not l.startswith("#")}
        for p in (".git", "build"):
            check(f".dockerignore leaves out {p}", p in pats, sorted(pats), fail_only=True)


# ------------------------------------------------------------- Kubernetes --

def k8s_checks():
    """deploy/kubernetes"""
    docs = []
    for fn in sorted(os.listdir(K8S_DIR)):
        if fn.endswith((".yaml", ".yml")):
            with open(os.path.join(K8S_DIR, fn)) as f:
                docs += [(fn, d) for d in yaml.safe_load_all(f) if d]
    jobs = [(fn, d) for fn, d in docs if d.get("kind") == "Job"]
    cms = {d["metadata"]["name"]: d for fn, d in docs if d.get("kind") == "ConfigMap"}
    if not check("one Job", len(jobs) == 1, [fn for fn, _ in jobs]):
        return
    fn, job = jobs[0]
    spec = job["spec"]
    check(f"{fn}: apiVersion batch/v1", job.get("apiVersion") == "batch/v1")
    check(f"{fn}: completionMode Indexed", spec.get("completionMode") == "Indexed", spec.get("completionMode"))
    pod = spec["template"]["spec"]
    cs = [c for c in pod["containers"] if c.get("name") == "shopstream"] or pod["containers"][:1]
    c = cs[0]
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    shards = env.get("SHOPSTREAM_SHARDS")
    n = spec.get("completions")
    check(f"{fn}: completions == parallelism == SHOPSTREAM_SHARDS",
          isinstance(n, int) and n >= 1 and spec.get("parallelism") == n and str(shards) == str(n),
          f"completions {n}, parallelism {spec.get('parallelism')}, SHOPSTREAM_SHARDS {shards!r}")
    check(f"{fn}: restartPolicy Never (a shard is retried as a new pod, with its index)",
          pod.get("restartPolicy") == "Never", pod.get("restartPolicy"))
    # Without a command the image's ENTRYPOINT ["shopstream"] runs the args.
    command = c.get("command", [])
    check(f"{fn}: runs the image's shopstream", not command or os.path.basename(command[0]) == "shopstream", command)
    args = list(command[1:]) + list(c.get("args", []))
    check(f"{fn}: args are `run ...`", args[:1] == ["run"], " ".join(args))
    check(f"{fn}: args contain --shard auto", option(args, "--shard") == "auto", " ".join(args))
    want_image = (compose.get("services", {}).get("shopstream", {}).get("image")
                  or f"shopstream:{project_version()}")
    check(f"{fn}: image {c.get('image')} is the one compose builds", c.get("image") == want_image, want_image)
    sc = {**pod.get("securityContext", {}), **c.get("securityContext", {})}
    check(f"{fn}: runAsNonRoot", sc.get("runAsNonRoot") is True)
    if dockerfile_uid is not None:
        check(f"{fn}: runAsUser is the Dockerfile's USER {dockerfile_uid}", sc.get("runAsUser") in (None, dockerfile_uid),
              sc.get("runAsUser"))

    cfg, scen = option(args, "-c", "--config"), option(args, "-s", "--scenario")
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    files = {}  # path in the pod -> content
    for m in c.get("volumeMounts", []):
        v = vols.get(m["name"], {})
        if "configMap" not in v:
            continue
        cmname = v["configMap"]["name"]
        if not check(f"{fn}: ConfigMap {cmname} is in deploy/kubernetes", cmname in cms, sorted(cms)):
            continue
        data = cms[cmname].get("data", {})
        items = {it["path"]: data.get(it["key"]) for it in v["configMap"].get("items", [])} or dict(data)
        if m.get("subPath"):  # one file of the volume, mounted at mountPath
            files[m["mountPath"]] = items.get(m["subPath"])
        else:
            files.update({os.path.join(m["mountPath"], k): d for k, d in items.items()})
    for what, path in (("-c", cfg), ("-s", scen)):
        check(f"{fn}: {what} {path} is a file of the mounted ConfigMap", path in files and files[path] is not None,
              sorted(files))
    if not (BIN and os.access(BIN, os.X_OK) and cfg in files and scen in files and isinstance(n, int)):
        check(f"{fn}: run the Job's shards", False, "needs SHOPSTREAM_BIN and the files above")
        return

    # The Job, run as Kubernetes would run it, with the ConfigMap's files where
    # the pod sees them (remapped) and overrides that keep it local and short:
    # a null sink, plain Avro (no registry), a fixed start, two hours.
    work = tempfile.mkdtemp(prefix="deploy-k8s-", dir=TMP)
    remap = {}
    for path, content in files.items():
        local = os.path.join(work, path.lstrip("/"))
        os.makedirs(os.path.dirname(local), exist_ok=True)
        with open(local, "w") as f:
            f.write(content)
        remap[path] = local
    largs = [remap.get(a, a) for a in args]
    over = ["--sink", "null", "--format", "avro", "--start", "2026-01-01T00:00:00Z", "--duration", "2h", "-q"]
    base = {k: v for k, v in os.environ.items() if k not in ("JOB_COMPLETION_INDEX", "SHOPSTREAM_SHARDS")}

    def run(extra_env, argv, stats):
        p = subprocess.run([BIN, *argv, *over, "--metrics", f"127.0.0.1:{free_port()}", "--stats-json", stats],
                           env={**base, **extra_env}, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.strip()[-500:]}")
        with open(stats) as f:
            return json.load(f)

    try:
        digest, order_digest, orders, dims = 0, 0, 0, []
        for i in range(n):
            st = run({**{k: str(v) for k, v in env.items() if v is not None}, "JOB_COMPLETION_INDEX": str(i)}, largs,
                     os.path.join(work, f"shard{i}.json"))
            check(f"pod {i}: --shard auto took index {i} of {n}", st.get("shard") == {"index": i, "count": n}, st.get("shard"))
            digest = (digest + int(st["content_digest"], 16)) % 2**64
            order_digest = (order_digest + int(st["order_digest"], 16)) % 2**64
            orders += st["orders"]
            dims.append(sum(t["produced"] for name, t in st["topics"].items() if name.endswith(("customers", "products", "campaigns"))))
        single_args = [a for j, a in enumerate(largs) if a != "--shard" and (j == 0 or largs[j - 1] != "--shard")]
        one = run({}, single_args, os.path.join(work, "single.json"))
        one_dims = sum(t["produced"] for name, t in one["topics"].items() if name.endswith(("customers", "products", "campaigns")))
        check(f"the {n} shards' orders add up to one run's", orders == one["orders"] and orders > 0, f"{orders} vs {one['orders']}")
        check("the dimension topics are published once, by shard 0", dims[0] == one_dims > 0 and not any(dims[1:]),
              f"per shard {dims}, one run {one_dims}")
        check(f"the {n} shards' content_digests add up (mod 2^64) to one run's", f"{digest:016x}" == one["content_digest"],
              f"{digest:016x} vs {one['content_digest']}")
        check(f"the {n} shards' order_digests add up (mod 2^64) to one run's", f"{order_digest:016x}" == one["order_digest"],
              f"{order_digest:016x} vs {one['order_digest']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------- build context --

def dockerignore_patterns(path):
    """(regex, exclusion) for each pattern of a .dockerignore, compiled as
    Docker's pattern matcher (moby/patternmatcher) compiles them: paths are
    cleaned and relative, '**' is any number of folders, '*' and '?' stay
    within one, '\\' escapes, '!' re-includes."""
    pats = []
    with open(path) as f:
        for line in f:
            p = line.strip()
            if not p or p.startswith("#"):
                continue
            excl = p.startswith("!")
            if excl:
                p = p[1:].strip()
            p = os.path.normpath(p).lstrip("/")
            rx, i = "", 0
            while i < len(p):
                c = p[i]
                if c == "*":
                    if i + 1 < len(p) and p[i + 1] == "*":
                        i += 1
                        if i + 1 < len(p) and p[i + 1] == "/":
                            i += 1
                        rx += ".*" if i + 1 >= len(p) else "(.*/)?"
                    else:
                        rx += "[^/]*"
                elif c == "?":
                    rx += "[^/]"
                elif c == "\\" and i + 1 < len(p):
                    i += 1
                    rx += re.escape(p[i])
                elif c == "[":
                    j = p.find("]", i)
                    rx += p[i:j + 1] if j > i else re.escape(c)
                    i = j if j > i else i
                else:
                    rx += re.escape(c)
                i += 1
            pats.append((re.compile("^" + rx + "$"), excl))
    return pats


def dockerignored(rel, pats):
    """Does .dockerignore leave rel out? As Docker decides (MatchesOrParentMatches):
    a pattern matches a path or any folder above it, and the last match wins."""
    parts = rel.split("/")
    parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
    out = False
    for rx, excl in pats:
        if rx.match(rel) or any(rx.match(d) for d in parents):
            out = not excl
    return out


def context_files():
    """The files of the build context: the tree as committed (git ls-files),
    less what .dockerignore leaves out."""
    p = subprocess.run(["git", "-C", SRC, "ls-files", "-z"], capture_output=True, text=True)
    if p.returncode == 0:
        files = [f for f in p.stdout.split("\0") if f and os.path.isfile(os.path.join(SRC, f))]
    else:  # not a git checkout: every file but build folders
        files = []
        for d, dirs, fs in os.walk(SRC):
            dirs[:] = [x for x in dirs if not x.startswith(("build", ".git"))]
            files += [os.path.relpath(os.path.join(d, x), SRC) for x in fs]
    pats = dockerignore_patterns(os.path.join(SRC, ".dockerignore"))
    return sorted(f for f in files if not dockerignored(f, pats))


def context_checks():
    """the Docker build context has every path the image's build reads"""
    # The matcher itself, on the cases our .dockerignore relies on.
    pats = dockerignore_patterns(os.path.join(SRC, ".dockerignore"))
    for rel, want in (("tests/test_cli.c", True), ("tests/engine_check/engine_check.c", False),
                      ("build/CMakeCache.txt", True), ("build-demo/x", True), (".git/HEAD", True),
                      ("engine/x/y.o", True), ("producer/main.c", False), ("deploy/compose-ci/kafka/Dockerfile", True)):
        check(f".dockerignore {'leaves out' if want else 'keeps'} {rel}", dockerignored(rel, pats) == want)
    files = context_files()
    have = set(files)
    check("build context", files, f"{len(files)} files")

    # COPY sources (not --from a stage) are in the context.
    with open(DOCKERFILE) as f:
        lines = re.sub(r"\\\n", " ", f.read()).splitlines()
    runs = []
    for l in (x.strip() for x in lines):
        word = l.split(None, 1)[0].upper() if l and not l.startswith("#") else ""
        if word in ("COPY", "ADD") and "--from=" not in l:
            srcs = [a for a in shlex.split(l)[1:-1] if not a.startswith("--")]
            for s in srcs:
                s = os.path.normpath(s)
                check(f"Dockerfile {word} {s}: in the context", s == "." or s in have or any(f.startswith(s + "/") for f in have))
        elif word == "RUN":
            runs.append(l[3:])

    # The Dockerfile's own cmake configure, on a copy of the context: it fails
    # on an add_subdirectory or a source file the context lacks.
    m = re.search(r"cmake (-S \S+ -B \S+.*?)(&&|$)", " ".join(runs))
    if not check("Dockerfile configures with cmake -S . -B DIR ...", m, " ".join(runs)[:200], fail_only=True):
        return
    args = shlex.split(m.group(1))
    bdir = args[args.index("-B") + 1]
    work = tempfile.mkdtemp(prefix="deploy-ctx-", dir=TMP)
    try:
        ctx = os.path.join(work, "ctx")
        for rel in files:
            os.makedirs(os.path.dirname(os.path.join(ctx, rel)), exist_ok=True)
            shutil.copy2(os.path.join(SRC, rel), os.path.join(ctx, rel))
        env = {**os.environ, "SHOPSTREAM_CUDA_DIR": os.path.join(work, "no-cuda")}  # as in the image: no CUDA
        env.pop("CUDACXX", None)
        p = subprocess.run(["cmake", *args], cwd=ctx, env=env, capture_output=True, text=True, timeout=300)
        check(f"cmake {' '.join(args)} in a copy of the context", p.returncode == 0,
              (p.stderr.strip() or p.stdout.strip())[-1200:], fail_only=True)
        if p.returncode != 0:
            return
        # What `cmake --install` copies from the source tree is there too.
        installs = []
        for d, _, fs in os.walk(os.path.join(ctx, bdir)):
            if "cmake_install.cmake" in fs:
                with open(os.path.join(d, "cmake_install.cmake")) as f:
                    for fm in re.finditer(r'file\(INSTALL [^)]*?FILES\s([^)]*)\)', f.read()):
                        installs += [x for x in re.findall(r'"([^"]+)"', fm.group(1)) if x.startswith(ctx + "/")]
        built = os.path.join(ctx, bdir) + "/"  # what the build makes, not the context
        installs = [x for x in installs if not x.startswith(built)]
        missing = [os.path.relpath(x, ctx) for x in installs if not os.path.exists(x)]
        check("every source path cmake --install copies is in the context", installs and not missing,
              ", ".join(os.path.relpath(x, ctx) for x in installs) + (f"; missing {missing}" if missing else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # Every file of the source tree that compiling the program read (its
    # sources and the headers they include, from the host build's Ninja
    # deps): in the context.
    build = os.path.dirname(os.path.dirname(BIN)) if BIN else ""
    if not os.path.isfile(os.path.join(build, "build.ninja")):
        print(f"skip  the headers the build read: {build or 'SHOPSTREAM_BIN'} is not a Ninja build", flush=True)
        return
    target = os.path.relpath(BIN, build)
    inputs = subprocess.run(["ninja", "-C", build, "-t", "inputs", target], capture_output=True, text=True)
    deps = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True, text=True)
    if not check(f"ninja -t inputs/deps {target} in {build}", inputs.returncode == 0 and deps.returncode == 0,
                 (inputs.stderr + deps.stderr).strip()[-300:], fail_only=True):
        return
    root = os.path.realpath(SRC) + "/"
    built = os.path.realpath(build) + "/"

    def in_tree(paths):  # Ninja's paths (relative ones to the build folder) in the source tree, not built
        full = (os.path.realpath(os.path.join(build, x)) for x in paths)
        return {x for x in full if x.startswith(root) and not x.startswith(built)}

    sources = in_tree(inputs.stdout.split())
    read = set(sources)
    for block in deps.stdout.split("\n\n"):
        paths = [x.strip() for x in block.splitlines()[1:] if x.strip()]
        if paths and in_tree(paths[:1]) & sources:
            read |= in_tree(paths)
    rels = sorted(os.path.relpath(x, root) for x in read)
    missing = [r for r in rels if r not in have]
    check(f"the {len(rels)} files of the source tree that building {target} read are in the context",
          len(sources) > 0 and not missing, f"missing: {missing}" if missing else "")


# ------------------------------------------------------- compose CI stack --

CI_OVERRIDE = os.path.join(SRC, "deploy", "compose-ci", "docker-compose.ci.yml")
RUN_LENGTH_OPTIONS = {"--speed", "--start", "--duration", "--intensity"}


def run_options(cmd):
    """{option: value} of a `run ...` command list, and its other words in order."""
    opts, rest, i = {}, [], 1
    while i < len(cmd):
        if cmd[i].startswith("-") and i + 1 < len(cmd) and not cmd[i + 1].startswith("-"):
            opts[cmd[i]] = cmd[i + 1]
            i += 2
        else:
            rest.append(cmd[i])
            i += 1
    return opts, rest


def compose_ci_checks():
    """deploy/compose-ci: CI's override of docker-compose.yml (stand-ins, a short run)"""
    dc = shutil.which("docker-compose")
    if not check("docker-compose is installed", dc):
        return
    p = subprocess.run([dc, "-f", COMPOSE, "-f", CI_OVERRIDE, "config"], cwd=SRC, capture_output=True, text=True,
                       env={**os.environ, "SHOPSTREAM_CI_START": "2026-01-01T00:00:00Z"})
    if not check("docker-compose config validates docker-compose.yml with the CI override", p.returncode == 0,
                 p.stderr.strip()[-800:]):
        return
    merged = yaml.safe_load(p.stdout)["services"]
    with open(CI_OVERRIDE) as f:
        over = yaml.safe_load(f)["services"]
    base = compose.get("services", {})
    check("the override touches kafka, registry and shopstream only", set(over) <= {"kafka", "registry", "shopstream"},
          sorted(over))
    with open(DOCKERFILE) as f:
        bases = set(re.findall(r"^FROM\s+(\S+:\S+)", f.read(), re.M))
    for name in ("kafka", "registry"):
        s = over.get(name, {})
        img = s.get("image", "")
        check(f"{name}: the stand-in is tagged shopstream-ci/..., never an upstream name ({img})",
              img.startswith("shopstream-ci/") and img != base.get(name, {}).get("image"))
        ctx = os.path.normpath(os.path.join(SRC, s.get("build", {}).get("context", "")))
        df = os.path.join(ctx, s.get("build", {}).get("dockerfile", "Dockerfile"))
        if check(f"{name}: the stand-in builds from a Dockerfile in deploy/compose-ci", os.path.isfile(df)
                 and ctx.startswith(os.path.join(SRC, "deploy", "compose-ci")), df):
            with open(df) as f:
                froms = set(re.findall(r"^FROM\s+(\S+)", f.read(), re.M))
            check(f"{name}: the stand-in is on the Dockerfile's own base ({sorted(froms)})", froms and froms <= bases,
                  sorted(bases))
    for name, s in over.items():
        if "build" in s:
            check(f"{name}: built on the host's network (the private dockerd has no bridge)",
                  s["build"].get("network") == "host", s["build"])
    # Everything else of the three services is docker-compose.yml's own.
    for name in ("kafka", "registry", "shopstream"):
        for key in sorted(set(base.get(name, {})) | set(merged.get(name, {}))):
            if key in ("image", "build", "command"):
                continue
            check(f"{name}: {key} is docker-compose.yml's", merged.get(name, {}).get(key) == base.get(name, {}).get(key),
                  f"{merged.get(name, {}).get(key)} vs {base.get(name, {}).get(key)}", fail_only=True)
    check("shopstream: the image is docker-compose.yml's tag", merged["shopstream"].get("image") == base["shopstream"].get("image"))
    bo, brest = run_options(base["shopstream"]["command"])
    mo, mrest = run_options(merged["shopstream"]["command"])
    check("shopstream: the override's command is `run` too", merged["shopstream"]["command"][:1] == ["run"])
    same = {k: v for k, v in bo.items() if k not in RUN_LENGTH_OPTIONS}
    check(f"shopstream: every flag but {sorted(RUN_LENGTH_OPTIONS)} is docker-compose.yml's",
          {k: v for k, v in mo.items() if k not in RUN_LENGTH_OPTIONS} == same and mrest == brest,
          f"{mo} vs {bo}", fail_only=True)
    check("shopstream: the CI run is paced (its healthcheck and metrics are exercised) and finite",
          mo.get("--speed") not in (None, "max", "realtime") and mo.get("--duration") not in (None, bo.get("--duration")),
          f"--speed {mo.get('--speed')} --duration {mo.get('--duration')}")


def main():
    print(f"validate_deploy: {SRC}")
    for fn in (compose_checks, dockerfile_checks, context_checks, compose_ci_checks, k8s_checks):
        section(fn)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
